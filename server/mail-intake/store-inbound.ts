import { existsSync, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TInboundMessage } from '../../db/schema/inbound-mail';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { intakeQueries } from './queries';
import { rawFilePath, rawMonthDir } from './raw-files';
import { RawSpool, syncDirectory } from './raw-spool';

export { mailDir, mailTempDir, rawFilePath } from './raw-files';

/*
 * Acceptance: the raw message is made durable first (a large one, already in a temp file,
 * flushed and renamed to DATA_DIR/mail/<yyyy>/<mm>/<sha256>.eml, so a crash never leaves
 * half a message under its final name; then one append to a spool file of every message's
 * record, with the bytes of the small ones, together with whatever else arrived meanwhile),
 * then the pending rows of everything in the batch are committed in one transaction; only
 * then does the listener answer 250. If a power cut undoes that commit, the next start
 * indexes the messages again from the spool's records (./recover-spool.ts). A message is
 * stored once per recipient: a delivery whose recipients the same message (same Message-ID,
 * or same bytes when it has none) has all reached before is answered 250 again and not
 * stored; one that names new recipients too is stored for those. A batch is whatever
 * arrived while the previous one was written: nothing waits for a batch to fill.
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
  /** The connecting client (SPF checks it against the envelope sender's domain). */
  clientIp?: string | null;
  clientHelo?: string | null;
}

/** A committed message (its pending row), or a duplicate of one stored before. */
export type TStoredMessage = { id: number; duplicate: false; row: TInboundMessage } | { id: 0; duplicate: true; row: null };

export interface TInboundStore {
  /** Commits an accepted message; rejects with TEMPORARY (451) when it cannot be stored. */
  store(msg: TReceivedMessage): Promise<TStoredMessage>;
  /** Waits for what is being stored, then closes the spool file. */
  close(): Promise<void>;
}

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

interface TWaiting {
  msg: TReceivedMessage;
  messageId: string | null;
  /** The recipients of this delivery the message has not reached before. */
  recipients: string[];
  settled: boolean;
  resolve: (stored: TStoredMessage) => void;
  reject: (err: unknown) => void;
}

interface TPlaced {
  rawPath: string;
  rawOffset: number | null;
}

const DUPLICATE: TStoredMessage = { id: 0, duplicate: true, row: null };

export function createInboundStore(ctx: ServiceContext): TInboundStore {
  const spool = new RawSpool(ctx.settings);
  let waiting: TWaiting[] = [];
  let running: Promise<void> | null = null;

  const kick = () => {
    running ??= (async () => {
      while (waiting.length) {
        const batch = waiting;
        waiting = [];
        await storeBatch(ctx, spool, batch);
      }
    })().finally(() => {
      running = null;
      if (waiting.length) kick();
    });
  };

  return {
    store: (msg) =>
      new Promise((resolve, reject) => {
        const w: TWaiting = {
          msg,
          messageId: peekMessageId(msg.head),
          recipients: [],
          settled: false,
          resolve: (stored) => ((w.settled = true), resolve(stored)),
          reject: (err) => ((w.settled = true), reject(err)),
        };
        waiting.push(w);
        kick();
      }),
    async close() {
      while (running) await running;
      spool.close();
    },
  };
}

/** What identifies a message across deliveries: its Message-ID, or its bytes when it has none. */
export const deliveryKey = (messageId: string | null, sha256: string) => (messageId ? `id:${messageId}` : `sha:${sha256}`);
const messageKey = (w: TWaiting) => deliveryKey(w.messageId, w.msg.sha256);

const dropTemp = (msg: TReceivedMessage) => (Buffer.isBuffer(msg.data) ? undefined : void rm(msg.data.tmpPath, { force: true }).catch(() => {}));

/** Settles every message of the batch; never throws. */
async function storeBatch(ctx: ServiceContext, spool: RawSpool, batch: TWaiting[]): Promise<void> {
  const fail = (w: TWaiting, err: unknown) => {
    ctx.log.error({ err }, 'inbound mail could not be stored');
    dropTemp(w.msg);
    w.reject(new AppError('TEMPORARY', 'The message could not be stored; try again later.'));
  };
  const q = intakeQueries(ctx.db);
  const now = ctx.clock.now();
  try {
    const claimed = new Map<string, Set<string>>(); // recipients taken by earlier deliveries of this batch
    const fresh: TWaiting[] = [];
    for (const w of batch) {
      const key = messageKey(w);
      const taken = claimed.get(key) ?? new Set((await q.reachedRecipients.all({ messageKey: key })).map((r) => r.recipient));
      claimed.set(key, taken);
      w.recipients = [...new Set(w.msg.envelopeTo)].filter((r) => !taken.has(r));
      if (w.recipients.length) {
        for (const r of w.recipients) taken.add(r);
        fresh.push(w);
        continue;
      }
      dropTemp(w.msg);
      w.resolve(DUPLICATE);
    }
    // Large messages first: their files must exist before the records that point at them.
    const files = new Map<TWaiting, TPlaced>();
    for (const w of fresh) {
      if (Buffer.isBuffer(w.msg.data)) continue;
      try {
        files.set(w, await placeFile(ctx, now, w.msg.sha256, w.msg.data.tmpPath));
      } catch (err) {
        fail(w, err);
      }
    }
    // One append and one sync for the batch: each message's record (and its bytes when small).
    const placed: [TWaiting, TPlaced][] = [];
    const spooled = fresh.filter((w) => Buffer.isBuffer(w.msg.data) || files.has(w));
    if (spooled.length) {
      try {
        const at = await spool.append(
          now,
          spooled.map((w) => {
            const body = Buffer.isBuffer(w.msg.data) ? w.msg.data : null;
            const file = files.get(w)?.rawPath;
            const { sha256, envelopeFrom, clientIp = null, clientHelo = null } = w.msg;
            // The recipients this delivery is stored for (the others were reached before).
            const envelopeTo = w.recipients;
            return { record: { len: body?.length ?? 0, sha256, ...(file ? { file } : {}), receivedAt: now.toISOString(), envelopeFrom, envelopeTo, clientIp, clientHelo }, body };
          }),
        );
        spooled.forEach((w, i) => placed.push([w, files.get(w) ?? { rawPath: at[i]!.rawPath, rawOffset: at[i]!.offset }]));
      } catch (err) {
        for (const w of spooled) fail(w, err);
      }
    }
    if (!placed.length) return;
    const rows = await ctx.db.transaction(async (tx) => {
      const qt = intakeQueries(tx);
      const out: TInboundMessage[] = [];
      for (const [w, at] of placed) {
        const { sha256, size, envelopeFrom, clientIp = null, clientHelo = null } = w.msg;
        const row = (await qt.insertInbound.get({ messageId: w.messageId, contentHash: sha256, rawPath: at.rawPath, rawOffset: at.rawOffset, size, envelopeFrom, envelopeTo: w.recipients, clientIp, clientHelo, receivedAt: now }))!;
        for (const recipient of w.recipients) await qt.insertRecipient.run({ messageKey: messageKey(w), recipient, inboundMessageId: row.id });
        out.push(row);
      }
      return out;
    });
    for (const [i, [w]] of placed.entries()) w.resolve({ id: rows[i]!.id, duplicate: false, row: rows[i]! });
  } catch (err) {
    // A file left under its final name is harmless: a retry of the same bytes reuses it.
    for (const w of batch) if (!w.settled) fail(w, err);
  }
}

/** A large message's temp file, flushed to disk and moved to its own .eml (kept when the same bytes are there already). */
async function placeFile(ctx: ServiceContext, now: Date, sha256: string, tmpPath: string): Promise<TPlaced> {
  const rawPath = join(rawMonthDir(now), `${sha256}.eml`);
  const finalPath = rawFilePath(ctx.settings, rawPath);
  const fh = await open(tmpPath, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
  if (existsSync(finalPath)) {
    await rm(tmpPath, { force: true });
    return { rawPath, rawOffset: null };
  }
  mkdirSync(dirname(finalPath), { recursive: true });
  await rename(tmpPath, finalPath);
  await syncDirectory(dirname(finalPath)); // the new name must survive a power cut, as the bytes do
  return { rawPath, rawOffset: null };
}
