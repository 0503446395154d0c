import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TDb } from '../../db/client';
import { attachments, type TAttachment } from '../../db/schema/attachments';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import type { TTx } from '../core/unit-of-work';
import type { TSettings } from '../settings';
import { detectFileType } from './file-types';
import { receiveToTemp } from './receive-to-temp';
import { sanitizeFilename } from './filename';

const MB = 1024 * 1024;
export const attachmentLimits = (s: TSettings) => ({
  maxFileBytes: Math.floor(s.ATTACHMENT_MAX_FILE_MB * MB),
  maxMessageBytes: Math.floor(s.ATTACHMENT_MAX_MESSAGE_MB * MB),
});
export const formatMb = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;

export const attachmentsDir = (s: TSettings) => join(s.DATA_DIR, 'attachments');
export const tempDir = (s: TSettings) => join(attachmentsDir(s), 'tmp');

/** DATA_DIR/attachments/<first two hex digits>/<sha256>; refuses anything but a hash. */
export function attachmentPath(s: TSettings, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
  return join(attachmentsDir(s), sha256.slice(0, 2), sha256);
}

/** A checked upload in a temp file, waiting to be committed (or discarded). */
export interface TReceivedFile {
  tmpPath: string;
  sha256: string;
  size: number;
  mimeType: string;
  filename: string;
}

/** Receives one file to a temp file and checks its size, first bytes and name. */
export async function receiveFile(ctx: ServiceContext, source: AsyncIterable<Buffer>, rawName: string, maxBytes = attachmentLimits(ctx.settings).maxFileBytes): Promise<TReceivedFile> {
  const filename = sanitizeFilename(rawName);
  const file = await receiveToTemp(source, {
    dir: tempDir(ctx.settings),
    maxBytes,
    check: (size, head) => {
      if (size > maxBytes) throw new AppError('BAD_INPUT', `${filename} is larger than ${formatMb(maxBytes)}.`, { field: 'file', problem: 'too-large' });
      return detectFileType(filename, head, ctx.settings.ATTACHMENT_TYPES).mimeType;
    },
  });
  return { ...file, filename };
}

/**
 * Moves received files to their content-addressed place and records them, inside the
 * caller's transaction: unclaimed uploads of `owner`, or (with `target`) attached at once.
 * Synchronous from the existence check to the insert, so the hourly cleanup (also
 * synchronous) cannot delete a file between its dedupe and its new row.
 */
export async function recordReceivedFiles(
  tx: TDb | TTx,
  ctx: ServiceContext,
  files: readonly TReceivedFile[],
  owner: { providerId: number; uploaderUserId: number | null },
  target: { ticketId: number; commentId: number | null } | null,
): Promise<TAttachment[]> {
  const now = ctx.clock.now();
  for (const f of files) {
    const path = attachmentPath(ctx.settings, f.sha256);
    if (!existsSync(f.tmpPath)) continue; // placed by an earlier attempt of the same transaction
    if (existsSync(path)) unlinkSync(f.tmpPath); // the same content is already stored once
    else {
      mkdirSync(join(path, '..'), { recursive: true });
      renameSync(f.tmpPath, path);
    }
  }
  if (!files.length) return [];
  // One insert for all; rows come back in the order of the values.
  return tx
    .insert(attachments)
    .values(
      files.map((f) => ({ providerId: owner.providerId, sha256: f.sha256, size: f.size, mimeType: f.mimeType, filename: f.filename, uploaderUserId: owner.uploaderUserId, ticketId: target?.ticketId ?? null, commentId: target?.commentId ?? null, createdAt: now })),
    )
    .returning();
}

/** Received files as the signed-in actor's unclaimed uploads. */
export async function commitFiles(ctx: ServiceContext, files: readonly TReceivedFile[]): Promise<TAttachment[]> {
  const actor = requireSignedIn(ctx.actor);
  return await ctx.db.transaction(async (tx) => await recordReceivedFiles(tx, ctx, files, { providerId: actor.providerId, uploaderUserId: actor.userId }, null));
}

export async function discardFiles(files: readonly TReceivedFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.tmpPath, { force: true })));
}

/** One file, received and committed (mail intake and tests; the upload route batches). */
export async function storeAttachment(ctx: ServiceContext, source: AsyncIterable<Buffer>, rawName: string): Promise<TAttachment> {
  requireSignedIn(ctx.actor);
  const received = await receiveFile(ctx, source, rawName);
  try {
    return (await commitFiles(ctx, [received]))[0]!;
  } catch (err) {
    await discardFiles([received]);
    throw err;
  }
}
