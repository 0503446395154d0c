import { createReadStream } from 'node:fs';
import { requestActor } from './request-actor';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { ZodError, z } from 'zod';
import { attachmentLimits, formatMb } from '../attachments/store';
import { isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { discardDocument, receiveDocument, type TReceivedDocument } from '../technical/document-store';
import { createDocument, openDocument, requireDocumentUpload, viewKind } from '../technical/documents';
import { contentDisposition } from './attachment-routes';
import { refusesCrossSite } from './cross-site';

/*
 * POST /documents (multipart: one `file`, and title, description, companyId,
 * visibleToClient) and GET /documents/<id>/<name>. Only an adapter: storage and every
 * permission decision live in server/technical.
 */

type TRefusal = { status: number; error: string; fieldErrors?: Record<string, string[]> };


const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
};
const notFound = (res: ServerResponse) => sendJson(res, 404, { error: 'Not found.' });

export async function handleDocuments(base: ServiceContext, req: IncomingMessage, res: ServerResponse, originAllowed: (o: string | undefined) => boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/documents' && req.method === 'POST') {
    // Uploads are multipart, which a form on another site can send: Origin or Sec-Fetch-Site must vouch.
    if (refusesCrossSite(req, originAllowed, { jsonOnly: false })) return sendJson(res, 403, { error: 'Cross-origin request refused.' });
    const actor = await requestActor(base, req);
    if ('status' in actor) return refuseEarly(res, actor);
    const ctx = withActor(base, actor);
    try {
      requireDocumentUpload(ctx);
    } catch (err) {
      return refuseEarly(res, refusalOf(ctx, err));
    }
    return upload(ctx, req, res);
  }
  const m = /^\/documents\/(\d{1,15})(?:\/[^/]*)?$/.exec(path);
  if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound(res);
  const actor = await requestActor(base, req);
  const found = 'status' in actor ? null : await openDocument(withActor(base, actor), Number(m[1]));
  if (!found) return notFound(res);
  download(found.document, found.path, req, res);
}

function upload(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { maxFileBytes } = attachmentLimits(ctx.settings);
  const maxBody = maxFileBytes + 1024 * 1024; // room for the multipart framing and fields
  const tooLarge = { status: 413, error: `The file is larger than ${formatMb(maxFileBytes)}.`, fieldErrors: { file: [`The file is larger than ${formatMb(maxFileBytes)}.`] } };
  if (Number(req.headers['content-length'] ?? 0) > maxBody) return refuseEarly(res, tooLarge);
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxFileBytes + 1, fields: 10, fieldSize: 8 * 1024, parts: 12 } });
  } catch {
    return refuseEarly(res, { status: 415, error: 'Send the file as multipart/form-data.' });
  }
  const fields: Record<string, string> = {};
  let received: Promise<TReceivedDocument> | null = null;
  let refusal: TRefusal | null = null;
  bb.on('field', (name, value) => (fields[name] = value));
  bb.on('file', (field, stream, info) => {
    if (field !== 'file' || received) return void stream.resume();
    received = receiveDocument(ctx, stream, info.filename ?? 'file');
    received.catch(() => {}); // inspected once the body has ended
  });
  let bodyBytes = 0;
  req.on('data', (chunk: Buffer) => {
    bodyBytes += chunk.length;
    if (bodyBytes > maxBody && !refusal) {
      refusal = tooLarge;
      res.setHeader('Connection', 'close');
      req.unpipe(bb);
      bb.destroy(new Error('body too large'));
    }
  });
  // A client that goes away mid-upload: end the file stream so the temp file is removed.
  req.once('close', () => !req.complete && bb.destroy(new Error('upload aborted')));

  return new Promise<void>((resolve) => {
    let done = false;
    const finish = async (parseError?: unknown) => {
      if (done) return;
      done = true;
      let file: TReceivedDocument | null = null;
      try {
        file = received ? await received : null;
      } catch (err) {
        refusal ??= refusalOf(ctx, err);
      }
      if (!refusal && parseError) refusal = { status: 400, error: 'The upload was cut off or malformed. Try again.' };
      if (!refusal && !file) refusal = { status: 400, error: 'Choose a file to upload.', fieldErrors: { file: ['Choose a file to upload.'] } };
      if (refusal || !file) {
        if (file) await discardDocument(file);
        sendJson(res, refusal!.status, refusal);
        return resolve();
      }
      try {
        const document = await createDocument(ctx, inputOf(fields), file);
        sendJson(res, 201, { document });
      } catch (err) {
        await discardDocument(file);
        const r = refusalOf(ctx, err);
        sendJson(res, r.status, r);
      }
      resolve();
    };
    bb.once('close', () => void finish());
    bb.once('error', (err) => void finish(err));
    req.pipe(bb);
  });
}

/** Form fields are text; the service's schema checks what they say. */
function inputOf(fields: Record<string, string>) {
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  return {
    companyId: text(fields.companyId) === undefined ? undefined : Number(fields.companyId),
    title: text(fields.title),
    description: text(fields.description),
    visibleToClient: ['on', 'true', '1'].includes(fields.visibleToClient ?? ''),
  };
}

function refuseEarly(res: ServerResponse, r: TRefusal): Promise<void> {
  res.setHeader('Connection', 'close'); // the unread body must not be taken for the next request
  sendJson(res, r.status, r);
  return Promise.resolve();
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

function refusalOf(ctx: ServiceContext, err: unknown): TRefusal {
  if (isAppError(err)) {
    const problem = err.details?.problem;
    const status = problem === 'too-large' ? 413 : problem === 'type' ? 415 : (STATUS[err.code] ?? 400);
    const field = err.details?.field;
    return { status, error: err.message, fieldErrors: typeof field === 'string' ? { [field]: [err.message] } : undefined };
  }
  if (err instanceof ZodError) {
    // The form fields refused: the first message, and each field's own (as tRPC reports them).
    return { status: 400, error: err.issues[0]?.message ?? 'Check the form.', fieldErrors: z.flattenError(err).fieldErrors as Record<string, string[]> };
  }
  ctx.log.error({ err }, 'document upload failed');
  return { status: 500, error: 'The upload failed. Try again.' };
}

function download(d: { mimeType: string; filename: string; size: number }, path: string, req: IncomingMessage, res: ServerResponse): void {
  const kind = viewKind(d.mimeType);
  // Text of any kind (Markdown, CSV) is shown as plain text, never interpreted.
  const type = kind === 'text' ? 'text/plain; charset=utf-8' : d.mimeType;
  const stream = createReadStream(path);
  stream.once('error', () => {
    if (!res.headersSent) notFound(res);
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': d.size,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': contentDisposition(kind === 'download' ? 'attachment' : 'inline', d.filename),
      'Cache-Control': 'private, no-cache',
      // Runs nothing and loads nothing even when opened directly; only our own pages may frame it (the viewer).
      // Chromium's PDF viewer refuses sandboxed documents, so PDFs get the rest of the policy only.
      'Content-Security-Policy': type === 'application/pdf' ? "default-src 'none'; frame-ancestors 'self'" : "default-src 'none'; sandbox; frame-ancestors 'self'",
      'X-Frame-Options': 'SAMEORIGIN',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
}
