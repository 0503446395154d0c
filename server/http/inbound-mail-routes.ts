import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withActor, type ServiceContext } from '../core/context';
import { inboundRawFile } from '../mail-intake/inbound-view';
import { isRefusal, requestActor } from './request-actor';

/*
 * GET /inbound-mail/<id>.eml: the original message as received, for staff of the provider
 * it belongs to. Anyone else, and any id that is not such a message, gets 404, so nobody
 * learns which ids exist.
 */

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ error: 'Not found.' }));
}

/** A signed-in staff member through the sign-in gate (as staffProcedure requires), else null. */
async function staffContext(base: ServiceContext, req: IncomingMessage): Promise<ServiceContext | null> {
  const actor = await requestActor(base, req);
  return !isRefusal(actor) && actor.kind === 'staff' ? withActor(base, actor) : null;
}

export async function handleInboundMail(base: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/inbound-mail\/(\d{1,15})\.eml$/.exec((req.url ?? '/').split('?')[0] ?? '/');
  const ctx = m && (req.method === 'GET' || req.method === 'HEAD') ? await staffContext(base, req) : null;
  let file: { path: string; start: number; size: number } | null = null;
  try {
    file = ctx && m ? await inboundRawFile(ctx, Number(m[1])) : null;
  } catch {
    file = null;
  }
  if (!file) return notFound(res);
  const { path, start, size } = file;
  // A message may be one of several in a spool file: only its own bytes ('end' is inclusive).
  const stream = createReadStream(path, { start, end: start + Math.max(size, 1) - 1 });
  stream.once('error', () => (res.headersSent ? res.destroy() : notFound(res)));
  stream.once('open', () => {
    res.writeHead(200, {
      'Content-Type': 'message/rfc822',
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="message-${m![1]}.eml"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    if (req.method === 'HEAD' || !size) {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
}
