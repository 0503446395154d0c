import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eq, max } from 'drizzle-orm';
import { inboundMessages } from '../../db/schema/inbound-mail';
import type { ServiceContext } from '../core/context';
import { intakeQueries } from './queries';
import { mailDir, rawFilePath } from './raw-files';
import { SPOOL_MAGIC, type TSpoolRecord } from './raw-spool';
import { deliveryKey, peekMessageId } from './store-inbound';

/** A spool written this long before the newest row may still hold a message whose row was lost. */
const MARGIN_MS = 60 * 60_000;
const HEAD_BYTES = 64 * 1024;

/*
 * A message is answered 250 once its bytes are synced to disk and its row committed; the row
 * is committed with SQLite's synchronous=NORMAL, so a power cut right after the 250 can undo
 * the row while the synced bytes survive. At start, the records of recent spool files are read
 * again and every message without a row is indexed again (a pending row, processed as usual),
 * so a 250 is never lost. A torn record at a file's end (the write a crash interrupted, never
 * answered 250) ends the scan of that file. Rows are matched by (file, offset); the usual
 * Message-ID/content-hash uniqueness keeps a message that was delivered again from doubling.
 */
export async function recoverSpool(ctx: ServiceContext): Promise<number> {
  const newest = (await ctx.db.select({ at: max(inboundMessages.receivedAt) }).from(inboundMessages))[0]?.at ?? null;
  const since = newest ? newest.getTime() - MARGIN_MS : 0;
  let recovered = 0;
  for (const rawPath of spoolFiles(ctx, since)) {
    try {
      recovered += await recoverFile(ctx, rawPath);
    } catch (err) {
      ctx.log.error({ err, rawPath }, 'spool file could not be checked');
    }
  }
  if (recovered) ctx.log.warn({ recovered }, 'accepted mail indexed again from the spool (its rows were lost)');
  return recovered;
}

/** Spool files (DATA_DIR-relative) of the months folders, modified since `sinceMs`. */
function spoolFiles(ctx: ServiceContext, sinceMs: number): string[] {
  const root = mailDir(ctx.settings);
  const out: string[] = [];
  for (const year of list(root).filter((d) => /^\d{4}$/.test(d))) {
    for (const month of list(join(root, year)).filter((d) => /^\d{2}$/.test(d))) {
      for (const name of list(join(root, year, month)).filter((f) => f.endsWith('.spool'))) {
        const rawPath = join('mail', year, month, name);
        if (statSync(rawFilePath(ctx.settings, rawPath)).mtimeMs >= sinceMs) out.push(rawPath);
      }
    }
  }
  return out.sort();
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function recoverFile(ctx: ServiceContext, rawPath: string): Promise<number> {
  const fd = openSync(rawFilePath(ctx.settings, rawPath), 'r');
  try {
    const size = fstatSync(fd).size;
    if (!read(fd, 0, SPOOL_MAGIC.length).equals(SPOOL_MAGIC)) return 0; // an older spool without records
    const rows = (await ctx.db.select({ rawOffset: inboundMessages.rawOffset }).from(inboundMessages).where(eq(inboundMessages.rawPath, rawPath)));
    const indexed = new Set(rows.map((r) => r.rawOffset));
    let recovered = 0;
    for (let at = SPOOL_MAGIC.length; at < size; ) {
      const head = read(fd, at, Math.min(HEAD_BYTES, size - at));
      const eol = head.indexOf(0x0a);
      const record = eol > 0 && head[0] === 0x23 ? parseRecord(head.subarray(1, eol).toString('utf8')) : null;
      if (!record) break; // torn: the rest of this file was never acknowledged
      const bodyAt = at + eol + 1;
      if (record.file) {
        if (!await isIndexed(ctx, record.file) && await reindex(ctx, record, record.file, null, readWhole(ctx, record.file))) recovered++;
        at = bodyAt;
        continue;
      }
      if (bodyAt + record.len > size) break;
      if (!indexed.has(bodyAt) && await reindex(ctx, record, rawPath, bodyAt, read(fd, bodyAt, record.len))) recovered++;
      at = bodyAt + record.len;
    }
    return recovered;
  } finally {
    closeSync(fd);
  }
}

function parseRecord(text: string): TSpoolRecord | null {
  try {
    const r = JSON.parse(text) as TSpoolRecord;
    const ok = Number.isSafeInteger(r.len) && r.len >= 0 && /^[0-9a-f]{64}$/.test(r.sha256) && Array.isArray(r.envelopeTo) && !Number.isNaN(Date.parse(r.receivedAt));
    return ok ? r : null;
  } catch {
    return null;
  }
}

async function isIndexed(ctx: ServiceContext, rawPath: string): Promise<boolean> {
  return !!(await ctx.db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.rawPath, rawPath)))[0];
}

/** A pending row for the message, if its bytes are whole; false when they are not, or every recipient has had it already. */
async function reindex(ctx: ServiceContext, record: TSpoolRecord, rawPath: string, rawOffset: number | null, bytes: Buffer | null): Promise<boolean> {
  if (!bytes || createHash('sha256').update(bytes).digest('hex') !== record.sha256) {
    ctx.log.error({ rawPath, rawOffset }, 'spooled message does not match its record; not indexed');
    return false;
  }
  const q = intakeQueries(ctx.db);
  const messageId = peekMessageId(bytes.subarray(0, HEAD_BYTES));
  const key = deliveryKey(messageId, record.sha256);
  const reached = new Set((await q.reachedRecipients.all({ messageKey: key })).map((r) => r.recipient));
  const recipients = record.envelopeTo.filter((r) => !reached.has(r));
  if (!recipients.length) return false;
  return await ctx.db.transaction(async (tx) => {
    const w = intakeQueries(tx);
    const row = await w.insertInbound.get({
      messageId,
      contentHash: record.sha256,
      rawPath,
      rawOffset,
      size: bytes.length,
      envelopeFrom: record.envelopeFrom,
      envelopeTo: recipients,
      clientIp: record.clientIp ?? null,
      clientHelo: record.clientHelo ?? null,
      receivedAt: new Date(record.receivedAt),
    });
    if (!row) return false;
    for (const recipient of recipients) await w.insertRecipient.run({ messageKey: key, recipient, inboundMessageId: row.id });
    return true;
  });
}

function readWhole(ctx: ServiceContext, rawPath: string): Buffer | null {
  try {
    const fd = openSync(rawFilePath(ctx.settings, rawPath), 'r');
    try {
      return read(fd, 0, fstatSync(fd).size);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
