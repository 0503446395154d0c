import { existsSync, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { inboundMessages, type TInboundMessage } from '../../db/schema/inbound-mail';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { intakeQueries } from './queries';
import { rawFilePath, rawMonthDir } from './raw-files';
import { RawSpool } from './raw-spool';

export { mailDir, mailTempDir, rawFilePath } from './raw-files';

/*
 * Acceptance: the raw message is made durable first (a small one appended to a spool file
 * together with whatever else arrived meanwhile; a large one, already in a temp file,
 * flushed and renamed to DATA_DIR/mail/<yyyy>/<mm>/<sha256>.eml, so a crash never leaves
 * half a message under its final name), then the pending rows of everything in the batch
 * are committed in one transaction; only then does the listener answer 250. A message seen
 * before (same Message-ID, or same bytes when it has none) is answered 250 again and stored
 * once. A batch is whatever arrived while the previous one was written: nothing waits for
 * a batch to fill.
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
  settled: boolean;
  resolve: (stored: TStoredMessage) => void;
  reject: (err: unknown) => void;
}

interface TPlaced {
  rawPath: string;
  rawOffset: number | null;
  /** A file of its own that this delivery created. */
  created: boolean;
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
    const fresh = batch.filter((w) => {
      const seen = w.messageId ? q.byMessageId.get({ messageId: w.messageId }) : q.byContentHash.get({ contentHash: w.msg.sha256 });
      if (!seen) return true;
      dropTemp(w.msg);
      w.resolve(DUPLICATE);
      return false;
    });
    const placed: [TWaiting, TPlaced][] = [];
    const small = fresh.filter((w) => Buffer.isBuffer(w.msg.data));
    if (small.length) {
      try {
        const at = await spool.append(now, small.map((w) => w.msg.data as Buffer));
        small.forEach((w, i) => placed.push([w, { rawPath: at[i]!.rawPath, rawOffset: at[i]!.offset, created: false }]));
      } catch (err) {
        for (const w of small) fail(w, err);
      }
    }
    for (const w of fresh) {
      if (Buffer.isBuffer(w.msg.data)) continue;
      try {
        placed.push([w, await placeFile(ctx, now, w.msg.sha256, w.msg.data.tmpPath)]);
      } catch (err) {
        fail(w, err);
      }
    }
    if (!placed.length) return;
    const rows = ctx.db.transaction(() =>
      placed.map(([w, at]) => {
        const { sha256, size, envelopeFrom, envelopeTo, clientIp = null, clientHelo = null } = w.msg;
        return q.insertInbound.get({ messageId: w.messageId, contentHash: sha256, rawPath: at.rawPath, rawOffset: at.rawOffset, size, envelopeFrom, envelopeTo, clientIp, clientHelo, receivedAt: now });
      }),
    );
    for (const [i, [w, at]] of placed.entries()) {
      const row = rows[i];
      if (row) w.resolve({ id: row.id, duplicate: false, row });
      else {
        // Stored meanwhile (same Message-ID): keep the first copy only, unless these very
        // bytes are what a row holds (two identical deliveries at once share one file).
        const holder = () =>
          ctx.db
            .select({ id: inboundMessages.id })
            .from(inboundMessages)
            .where(and(eq(inboundMessages.contentHash, w.msg.sha256), eq(inboundMessages.rawPath, at.rawPath)))
            .get();
        if (at.created && !holder()) await rm(rawFilePath(ctx.settings, at.rawPath), { force: true }).catch(() => {});
        w.resolve(DUPLICATE);
      }
    }
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
    return { rawPath, rawOffset: null, created: false };
  }
  mkdirSync(dirname(finalPath), { recursive: true });
  await rename(tmpPath, finalPath);
  return { rawPath, rawOffset: null, created: true };
}
