import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { documents } from '../../db/schema/technical';
import { detectFileType, extensionOf } from '../attachments/file-types';
import { receiveToTemp } from '../attachments/receive-to-temp';
import { sanitizeFilename } from '../attachments/filename';
import { attachmentLimits, formatMb } from '../attachments/store';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import type { TTx } from '../core/unit-of-work';
import type { TSettings } from '../settings';

/*
 * Company documents are stored by content hash like ticket attachments, with the same type
 * detection and size limit, but in their own tree (DATA_DIR/documents): the attachment
 * cleanup deletes files by hash, and must never take a document's content with it.
 */

export const documentsDir = (s: TSettings) => join(s.DATA_DIR, 'documents');
const tempDir = (s: TSettings) => join(documentsDir(s), 'tmp');

/** DATA_DIR/documents/<first two hex digits>/<sha256>; refuses anything but a hash. */
export function documentPath(s: TSettings, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
  return join(documentsDir(s), sha256.slice(0, 2), sha256);
}

export interface TReceivedDocument {
  tmpPath: string;
  sha256: string;
  size: number;
  mimeType: string;
  filename: string;
}

const refuse = (message: string, problem: string) => new AppError('BAD_INPUT', message, { field: 'file', problem });

/**
 * The kinds attachments accept (the ATTACHMENT_TYPES setting) except mail messages, plus
 * Markdown, which is checked as plain text: it is only ever shown as text, never rendered.
 */
export function detectDocumentType(s: TSettings, filename: string, head: Buffer): string {
  const ext = extensionOf(filename);
  if (ext === 'md' || ext === 'markdown') {
    if (!s.ATTACHMENT_TYPES.includes('txt')) throw refuse(`${filename}: text files are not accepted.`, 'type');
    try {
      detectFileType('content.txt', head, ['txt']);
    } catch {
      throw refuse(`${filename}: the content is not a Markdown text file.`, 'type');
    }
    return 'text/markdown';
  }
  return detectFileType(filename, head, s.ATTACHMENT_TYPES.filter((k) => k !== 'eml')).mimeType;
}

/** Receives one upload to a temp file and checks its size and type. */
export async function receiveDocument(ctx: ServiceContext, source: AsyncIterable<Buffer>, rawName: string): Promise<TReceivedDocument> {
  const { maxFileBytes } = attachmentLimits(ctx.settings);
  const filename = sanitizeFilename(rawName);
  const file = await receiveToTemp(source, {
    dir: tempDir(ctx.settings),
    maxBytes: maxFileBytes,
    check: (size, head) => {
      if (size > maxFileBytes) throw refuse(`${filename} is larger than ${formatMb(maxFileBytes)}.`, 'too-large');
      if (size === 0) throw refuse(`${filename} is empty.`, 'empty');
      return detectDocumentType(ctx.settings, filename, head);
    },
  });
  return { ...file, filename };
}

export async function discardDocument(file: TReceivedDocument): Promise<void> {
  await rm(file.tmpPath, { force: true });
}

/**
 * Moves a received file to its content-addressed place. Synchronous, like the row insert
 * that follows it and the removal below, so a delete cannot unlink a file between another
 * upload's dedupe and its new row.
 */
export function placeDocumentFile(s: TSettings, file: TReceivedDocument): void {
  const target = documentPath(s, file.sha256);
  if (existsSync(target)) {
    unlinkSync(file.tmpPath); // the same content is already stored once
    return;
  }
  mkdirSync(join(target, '..'), { recursive: true });
  renameSync(file.tmpPath, target);
}

/** Deletes a document's content once no document row holds it any more. */
export async function removeUnusedDocumentFile(db: TDb | TTx, s: TSettings, sha256: string): Promise<void> {
  if ((await db.select({ id: documents.id }).from(documents).where(eq(documents.sha256, sha256)))[0]) return;
  try {
    unlinkSync(documentPath(s, sha256));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
