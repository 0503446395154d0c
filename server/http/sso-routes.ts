import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readDeviceToken } from '../auth/device-cookie';
import { serializeSessionCookie, type TSessionMeta } from '../auth/session';
import { generateToken } from '../auth/tokens';
import { describeUserAgent } from '../auth/user-agent';
import { isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { createHandoff, type TSsoHandoff } from '../auth/sso/handoffs';
import { beginSsoLogin, enabledIdentityProvider, finishSsoLogin } from '../auth/sso/login-flow';
import { hiddenSignInTarget } from '../auth/sso/sign-in-options';
import { clientIp } from '../core/client-ip';

/*
 * Single sign-on's browser routes, adapters over server/sso:
 *   GET /auth/oidc/<id>/start[?login_hint=]            → the provider's authorization page
 *   GET /auth/oidc/<id>/callback?code&state&iss        → session cookie, then / or /sign-in?sso=<handoff>
 *   GET /auth/oidc/<id>/initiate?iss&login_hint&target_link_uri  (OIDC third-party-initiated login)
 * and GET /sign-in, sent straight to a provider that hides the sign-in page (unless
 * ?local=1, the way in for staff administrators, or the page is showing an SSO outcome).
 */
const ROUTE = /^\/auth\/oidc\/(\d{1,9})\/(start|callback|initiate)$/;
const BROWSER_COOKIE = 'portico_sso';
const COOKIE_RE = /^[a-z2-7]{32}$/;

/** Takes the request when it is one of the routes above; false lets the caller serve it. */
export async function routeSso(base: ServiceContext, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://portal.invalid');
  if (url.pathname === '/sign-in') return await redirectHiddenSignIn(base, req, res, url);
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET' }).end();
    return true;
  }
  const idpId = Number(m[1]);
  const step = m[2] as 'start' | 'callback' | 'initiate';
  const run = step === 'callback' ? callback(base, req, res, idpId, url) : start(base, req, res, idpId, url, step === 'initiate');
  run.catch(async (err: unknown) => {
    log.error({ err, step }, 'single sign-on request failed');
    if (!res.headersSent) await toSignIn(base, res, { kind: 'error', message: 'Single sign-on did not work. Please try again.' });
  });
  return true;
}

async function redirectHiddenSignIn(base: ServiceContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method !== 'GET' || ['local', 'sso', 'signed_out'].some((k) => url.searchParams.has(k))) return false;
  const target = await hiddenSignInTarget(base);
  if (!target) return false;
  redirect(res, target);
  return true;
}

async function start(base: ServiceContext, req: IncomingMessage, res: ServerResponse, idpId: number, url: URL, initiated: boolean): Promise<void> {
  const q = url.searchParams;
  let returnTo: string | null = null;
  try {
    if (initiated) {
      // OIDC Core 4: the `iss` of a third-party-initiated login must be this provider's issuer.
      const idp = await enabledIdentityProvider(base, idpId);
      if (normalizeIssuer(q.get('iss') ?? '') !== normalizeIssuer(idp.issuerUrl)) {
        return await toSignIn(base, res, { kind: 'error', message: `This sign-in link did not come from ${idp.displayName}. Sign in from this page instead.` });
      }
      returnTo = samePortalPath(base, q.get('target_link_uri'));
    }
    const cookie = readCookie(req, BROWSER_COOKIE);
    const browserToken = cookie && COOKIE_RE.test(cookie) ? cookie : generateToken();
    const location = await beginSsoLogin(base, { idpId, browserToken, loginHint: q.get('login_hint'), returnTo });
    const secure = base.settings.publicUrl.startsWith('https://');
    res.setHeader('Set-Cookie', `${BROWSER_COOKIE}=${browserToken}; Path=/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age=600${secure ? '; Secure' : ''}`);
    redirect(res, location);
  } catch (err) {
    if (!isAppError(err) || err.code === 'INTERNAL') throw err;
    await toSignIn(base, res, { kind: 'error', message: err.message });
  }
}

async function callback(base: ServiceContext, req: IncomingMessage, res: ServerResponse, idpId: number, url: URL): Promise<void> {
  const meta: TSessionMeta = {
    ...describeUserAgent(req.headers['user-agent']),
    ip: clientIp(req, base.settings),
    deviceToken: readDeviceToken(base.settings.publicUrl, req.headers.cookie),
  };
  const outcome = await finishSsoLogin(base, idpId, url.searchParams, readCookie(req, BROWSER_COOKIE), meta);
  if (outcome.kind === 'refused') return await toSignIn(base, res, { kind: 'error', message: outcome.message });
  const { device: _device, ...result } = outcome.result;
  if (result.kind !== 'signed-in') return await toSignIn(base, res, result);
  // The same cookie the tRPC sign-in sets; the token itself never goes in a URL.
  res.setHeader('Set-Cookie', serializeSessionCookie(base.settings.publicUrl, result.token, base.settings.SESSION_ABSOLUTE_HOURS * 3600));
  if (result.chosen) return redirect(res, outcome.returnTo ?? '/');
  await toSignIn(base, res, { kind: 'signed-in', accounts: result.accounts, chosen: null });
}

/** Back to the sign-in page with what it shows next, under a single-use token. */
async function toSignIn(base: ServiceContext, res: ServerResponse, payload: TSsoHandoff): Promise<void> {
  redirect(res, `/sign-in?sso=${(await createHandoff(base, payload))}`);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
}

function normalizeIssuer(s: string): string {
  return s.trim().replace(/\/+$/, '');
}

/** `target_link_uri` only ever leads to a page of this portal (never an open redirect). */
function samePortalPath(base: ServiceContext, target: string | null): string | null {
  if (!target) return null;
  try {
    const u = new URL(target);
    if (u.origin !== new URL(base.settings.publicUrl).origin) return null;
    const path = `${u.pathname}${u.search}`;
    return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/auth/oidc/') ? path : null;
  } catch {
    return null;
  }
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v) return v;
  }
  return null;
}
