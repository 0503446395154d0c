import type { IncomingMessage } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a state-changing request must be refused as possibly cross-site (CSRF). Browsers
 * send Origin on every POST and Sec-Fetch-Site on every request, so: a cross-site
 * Sec-Fetch-Site or a foreign Origin is refused; a request with neither passes only when it
 * carries a JSON body (tRPC's content type), which an HTML form on another site cannot send
 * without a preflight that it would not get.
 */
export function refusesCrossSite(req: IncomingMessage, originAllowed: (origin: string | undefined) => boolean, opts: { jsonOnly: boolean }): boolean {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return false;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin !== undefined) return !originAllowed(origin);
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  return !(opts.jsonOnly && isJson(req));
}

function isJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}
