import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Attachment } from 'mailparser';
import { sanitizeFilename } from '../attachments/filename';
import { attachmentLimits, formatMb, receiveFile, tempDir, type TReceivedFile } from '../attachments/store';
import { isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';

/*
 * Mail attachments, and inline images the kept reply shows (cid:), become ticket
 * attachments under the same per-file and per-message limits and type checks as uploads.
 * winmail.dat (Outlook's TNEF wrapper) is no upload type but is kept as a file, since it
 * may be all the sender attached. What is refused is named in the comment; the original
 * message always keeps it.
 */

const TNEF = 'application/ms-tnef';
const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'message/rfc822': 'eml',
};
/** Parts of a delivery report, not files anyone sent. */
const REPORT_PARTS = /^(message\/delivery-status|text\/rfc822-headers|message\/rfc822-headers)$/i;

export interface TMailFiles {
  files: TReceivedFile[];
  /** "name: why" for each file not attached. */
  refused: string[];
}

async function tnefFile(ctx: ServiceContext, content: Buffer): Promise<TReceivedFile> {
  mkdirSync(tempDir(ctx.settings), { recursive: true });
  const tmpPath = join(tempDir(ctx.settings), `${randomBytes(12).toString('hex')}.part`);
  await writeFile(tmpPath, content, { mode: 0o600 });
  return { tmpPath, sha256: createHash('sha256').update(content).digest('hex'), size: content.length, mimeType: TNEF, filename: 'winmail.dat' };
}

/**
 * Checks and writes the message's files to temp files. Only an inline part that the HTML
 * shows (its cid) but the kept reply no longer does (a quoted message's image, a cut
 * signature's logo) is left out; every other part is a file, whatever its disposition or
 * the multipart/related it sits in (Apple Mail puts attachments there).
 */
export async function receiveMailFiles(ctx: ServiceContext, parts: readonly Attachment[], keepCids: ReadonlySet<string>, shownCids: ReadonlySet<string>): Promise<TMailFiles> {
  const { maxFileBytes, maxMessageBytes } = attachmentLimits(ctx.settings);
  const out: TMailFiles = { files: [], refused: [] };
  let total = 0;
  let n = 0;
  for (const part of parts) {
    if (REPORT_PARTS.test(part.contentType)) continue;
    const inline = part.related || part.contentDisposition === 'inline';
    if (part.cid && shownCids.has(part.cid) && !keepCids.has(part.cid) && part.contentDisposition !== 'attachment') continue;
    n++;
    const name = sanitizeFilename(part.filename || `${inline ? 'image' : 'attachment'}-${n}.${EXT[part.contentType.toLowerCase()] ?? 'bin'}`);
    if (part.size > maxFileBytes) {
      out.refused.push(`${name}: larger than ${formatMb(maxFileBytes)}`);
      continue;
    }
    if (total + part.size > maxMessageBytes) {
      out.refused.push(`${name}: the attachments together are larger than ${formatMb(maxMessageBytes)}`);
      continue;
    }
    try {
      const isTnef = part.contentType.toLowerCase() === TNEF || name.toLowerCase() === 'winmail.dat';
      out.files.push(isTnef ? await tnefFile(ctx, part.content) : await receiveFile(ctx, Readable.from([part.content]), name, maxFileBytes));
      total += part.size;
    } catch (err) {
      if (!isAppError(err)) throw err;
      out.refused.push(err.message.startsWith(name) ? err.message : `${name}: ${err.message}`);
    }
  }
  return out;
}

export async function discardMailFiles(files: readonly TReceivedFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.tmpPath, { force: true })));
}
