import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { inboundMessages } from '../../db/schema/inbound-mail';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import type { TSettings } from '../settings';
import { intakeQueries } from './queries';

/*
 * Acceptance: the raw message goes to DATA_DIR/mail/<yyyy>/<mm>/<sha256>.eml (written to a
 * temp file, flushed to disk, then renamed, so a crash never leaves half a message under
 * its final name) and a pending row is committed; only then does the listener answer 250.
 * A message seen before (same Message-ID, or same bytes when it has none) is answered 250
 * again and stored once.
 */

export interface TReceivedMessage {
  /** The raw bytes: in memory when small, otherwise already in a temp file under mailTempDir(). */
  data: Buffer | { tmpPath: string };
  sha256: string;
  size: number;
  /** The start of the message, holding its header. */
  head: Buffer;
  envelopeFrom: string | null;
  envelopeTo: string[];
}

export const mailDir = (s: TSettings) => join(s.DATA_DIR, 'mail');
export const mailTempDir = (s: TSettings) => join(mailDir(s), 'tmp');
/** Raw paths are stored relative to DATA_DIR, so the folder can move. */
export const rawFilePath = (s: TSettings, rawPath: string) => resolve(s.DATA_DIR, rawPath);

/** The Message-ID header of a raw header block (unfolded), without angle brackets, or null. */
export function peekMessageId(head: Buffer): string | null {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const header = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(.*)$/im.exec(header);
  if (!m) return null;
  const id = m[1]!.trim().replace(/^<|>$/g, '').trim();
  return id && id.length <= 998 ? id : null;
}

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Commits an accepted message; throws TEMPORARY (451) when it cannot be stored. */
export async function storeInbound(ctx: ServiceContext, msg: TReceivedMessage): Promise<{ id: number; duplicate: boolean }> {
  const now = ctx.clock.now();
  const rawPath = join('mail', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), `${msg.sha256}.eml`);
  const finalPath = rawFilePath(ctx.settings, rawPath);
  let tmpPath: string | null = null;
  let created = false;
  try {
    mkdirSync(mailTempDir(ctx.settings), { recursive: true });
    if (Buffer.isBuffer(msg.data)) {
      tmpPath = join(mailTempDir(ctx.settings), `${randomBytes(12).toString('hex')}.eml.part`);
      await writeDurably(tmpPath, msg.data);
    } else {
      tmpPath = msg.data.tmpPath;
      await syncFile(tmpPath);
    }
    if (existsSync(finalPath)) {
      await rm(tmpPath, { force: true }); // the same bytes are stored already
    } else {
      mkdirSync(dirname(finalPath), { recursive: true });
      await rename(tmpPath, finalPath);
      created = true;
    }
    tmpPath = null;
    const row = intakeQueries(ctx.db).insertInbound.get({
      messageId: peekMessageId(msg.head),
      contentHash: msg.sha256,
      rawPath,
      size: msg.size,
      envelopeFrom: msg.envelopeFrom,
      envelopeTo: msg.envelopeTo,
      receivedAt: now,
    });
    if (row) return { id: row.id, duplicate: false };
    // Seen before (same Message-ID): keep the first copy only, unless these very bytes are
    // what a row holds (two identical deliveries at once share one file).
    const holder = ctx.db.select({ id: inboundMessages.id }).from(inboundMessages).where(and(eq(inboundMessages.contentHash, msg.sha256), eq(inboundMessages.rawPath, rawPath))).get();
    if (created && !holder) await rm(finalPath, { force: true });
    return { id: 0, duplicate: true };
  } catch (err) {
    // A file left under its final name is harmless: a retry of the same bytes reuses it.
    if (tmpPath) await rm(tmpPath, { force: true }).catch(() => {});
    ctx.log.error({ err }, 'inbound mail could not be stored');
    throw new AppError('TEMPORARY', 'The message could not be stored; try again later.');
  }
}
