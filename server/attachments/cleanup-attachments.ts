import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { and, inArray, isNull, lt } from 'drizzle-orm';
import { attachments } from '../../db/schema/attachments';
import type { ServiceContext } from '../core/context';
import { attachmentPath, tempDir } from './store';

export const UNCLAIMED_TTL_MS = 24 * 3600_000;

const unlinkQuietly = (path: string) => {
  try {
    unlinkSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};

/**
 * Forgets uploads nobody attached within 24 hours, deletes their files when no other row
 * holds the same content, and clears temp files a crash left behind. Synchronous
 * throughout, so no upload can dedupe against a file between the check and the unlink.
 */
export async function cleanupUnclaimedAttachments(ctx: ServiceContext): Promise<{ rows: number; files: number }> {
  const cutoff = new Date(ctx.clock.now().getTime() - UNCLAIMED_TTL_MS);
  const stale = and(isNull(attachments.ticketId), lt(attachments.createdAt, cutoff));
  const gone = (await ctx.db.delete(attachments).where(stale).returning({ sha256: attachments.sha256 }));
  const hashes = [...new Set(gone.map((g) => g.sha256))];
  const kept = new Set(
    hashes.length
      ? (await ctx.db.select({ sha256: attachments.sha256 }).from(attachments).where(inArray(attachments.sha256, hashes))).map((r) => r.sha256)
      : [],
  );
  let files = 0;
  for (const sha of hashes) if (!kept.has(sha) && unlinkQuietly(attachmentPath(ctx.settings, sha))) files++;

  let temps: string[] = [];
  try {
    temps = readdirSync(tempDir(ctx.settings));
  } catch {
    // no upload has happened yet
  }
  for (const name of temps) {
    const path = join(tempDir(ctx.settings), name);
    const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (mtime !== undefined && mtime < cutoff.getTime()) unlinkQuietly(path);
  }
  return { rows: gone.length, files };
}
