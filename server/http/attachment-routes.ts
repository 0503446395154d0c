import { createReadStream } from 'node:fs';
import { requestActor } from './request-actor';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import type { TAttachment } from '../../db/schema/attachments';
import { openDownload } from '../attachments/attachment-access';
import { attachmentLimits, commitFiles, discardFiles, formatMb, receiveFile, type TReceivedFile } from '../attachments/store';
import { isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { refusesCrossSite } from './cross-site';

/*
 * POST /attachments (multipart, `file` fields) and GET /attachments/<id>/<name>. Only an
 * adapter: storage and the permission decision live in server/attachments.
 */

const MAX_FILES_PER_REQUEST = 20;


const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
};

export async function handleAttachments(base: ServiceContext, req: IncomingMessage, res: ServerResponse, originAllowed: (o: string | undefined) => boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/attachments' && req.method === 'POST') {
    // Uploads are multipart, which a form on another site can send: Origin or Sec-Fetch-Site must vouch.
    if (refusesCrossSite(req, originAllowed, { jsonOnly: false })) return sendJson(res, 403, { error: 'Cross-origin request refused.' });
    const actor = await requestActor(base, req);
    if ('status' in actor) return sendJson(res, actor.status, { error: actor.error });
    return upload(withActor(base, actor), req, res);
  }
  const m = /^\/attachments\/(\d{1,15})(?:\/[^/]*)?$/.exec(path);
  if (m && (req.method === 'GET' || req.method === 'HEAD')) {
    const actor = await requestActor(base, req);
    const found = 'status' in actor ? null : await openDownload(withActor(base, actor), Number(m[1]));
    if (found) return download(found.attachment, found.path, req, res);
  }
  res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'Not found.' }));
}

function upload(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { maxFileBytes, maxMessageBytes } = attachmentLimits(ctx.settings);
  // Room for the multipart framing around the files; past it the body is not read on.
  const maxBody = maxMessageBytes + 1024 * 1024;
  const tooMuch = { status: 413, error: `The files together are larger than ${formatMb(maxMessageBytes)}.` };
  if (Number(req.headers['content-length'] ?? 0) > maxBody) return refuseEarly(res, tooMuch);
  let bb: busboy.Busboy;
  try {
    // Browsers send file names as raw UTF-8; busboy would read them as Latin-1.
    bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: MAX_FILES_PER_REQUEST, fileSize: maxFileBytes + 1, fields: 10, parts: MAX_FILES_PER_REQUEST + 10 } });
  } catch {
    return refuseEarly(res, { status: 415, error: 'Send the files as multipart/form-data.' });
  }
  const received: Promise<TReceivedFile>[] = [];
  let refusal: { status: number; error: string } | null = null;
  bb.on('file', (field, stream, info) => {
    if (field !== 'file') return void stream.resume();
    const p = receiveFile(ctx, stream, info.filename ?? 'file', maxFileBytes);
    p.catch(() => {}); // inspected once the body has ended
    received.push(p);
  });
  bb.on('filesLimit', () => (refusal ??= { status: 400, error: `Upload at most ${MAX_FILES_PER_REQUEST} files at a time.` }));
  let bodyBytes = 0;
  req.on('data', (chunk: Buffer) => {
    bodyBytes += chunk.length;
    if (bodyBytes > maxBody && !refusal) {
      refusal = tooMuch;
      res.setHeader('Connection', 'close');
      req.unpipe(bb);
      bb.destroy(new Error('body too large'));
    }
  });
  // A client that goes away mid-upload: end the file streams so temp files are removed.
  req.once('close', () => !req.complete && bb.destroy(new Error('upload aborted')));

  return new Promise<void>((resolve) => {
    let done = false;
    const finish = async (parseError?: unknown) => {
      if (done) return;
      done = true;
      const results = await Promise.allSettled(received);
      const files = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = results.find((r) => r.status === 'rejected');
      if (!refusal && failed) refusal = refusalOf(ctx, failed.reason);
      if (!refusal && parseError) refusal = { status: 400, error: 'The upload was cut off or malformed. Try again.' };
      if (!refusal && !files.length) refusal = { status: 400, error: 'Choose a file to upload.' };
      if (!refusal && files.reduce((sum, f) => sum + f.size, 0) > maxMessageBytes) refusal = tooMuch;
      let rows: TAttachment[] = [];
      if (!refusal) {
        try {
          rows = await commitFiles(ctx, files);
        } catch (err) {
          refusal = refusalOf(ctx, err);
        }
      }
      if (refusal) {
        await discardFiles(files);
        sendJson(res, refusal.status, { error: refusal.error });
      } else sendJson(res, 201, { attachments: rows.map((r) => ({ id: r.id, filename: r.filename, size: r.size, mimeType: r.mimeType })) });
      resolve();
    };
    bb.once('close', () => void finish());
    bb.once('error', (err) => void finish(err));
    req.pipe(bb);
  });
}

function refuseEarly(res: ServerResponse, r: { status: number; error: string }): Promise<void> {
  res.setHeader('Connection', 'close'); // the unread body must not be taken for the next request
  sendJson(res, r.status, { error: r.error });
  return Promise.resolve();
}

function refusalOf(ctx: ServiceContext, err: unknown): { status: number; error: string } {
  if (isAppError(err)) {
    const problem = err.details?.problem;
    const status = problem === 'too-large' ? 413 : problem === 'type' ? 415 : err.code === 'UNAUTHENTICATED' ? 401 : err.code === 'FORBIDDEN' ? 403 : 400;
    return { status, error: err.message };
  }
  ctx.log.error({ err }, 'attachment upload failed');
  return { status: 500, error: 'The upload failed. Try again.' };
}

/** RFC 6266/5987: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function download(a: { mimeType: string; filename: string; size: number }, path: string, req: IncomingMessage, res: ServerResponse): void {
  const inline = a.mimeType.startsWith('image/') || a.mimeType === 'application/pdf';
  const stream = createReadStream(path);
  stream.once('error', () => {
    if (!res.headersSent) res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'Not found.' }));
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, {
      'Content-Type': a.mimeType,
      'Content-Length': a.size,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', a.filename),
      'Cache-Control': 'private, max-age=300',
      // Even opened directly, a file may run nothing and load nothing. Chromium's PDF viewer
      // refuses to open under `sandbox`, so PDFs get `default-src 'none'` alone.
      'Content-Security-Policy': a.mimeType === 'application/pdf' ? "default-src 'none'; object-src 'self'" : "default-src 'none'; sandbox",
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
}
