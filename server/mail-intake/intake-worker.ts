import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { inboundMessages } from '../../db/schema/inbound-mail';
import type { ServiceContext } from '../core/context';
import { RateLimiter } from '../core/rate-limiter';
import { classifyRecipient } from './addresses';
import { processInbound } from './process-message';
import { mailTempDir, storeInbound, type TReceivedMessage } from './store-inbound';

/** What the SMTP listener asks of intake. */
export interface TMailIntakePort {
  acceptRecipient(address: string): boolean;
  allowSender(key: string): boolean;
  store(message: TReceivedMessage): Promise<{ id: number; duplicate: boolean }>;
  tmpDir: string;
}

export interface TMailIntake extends TMailIntakePort {
  /** Resolves once every message accepted so far is processed (tests, benchmark). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Messages processed at once: parsing and file writes overlap, commits are serial anyway. */
const CONCURRENCY = 4;
/**
 * Past this many accepted-but-unprocessed messages, the 250 for the next one waits (up to
 * BACKLOG_WAIT_MS) until processing catches up: senders keep the surplus, so the time from
 * acceptance to the comment stays short and bounded under load (the message is already
 * committed; only the answer waits).
 */
const MAX_BACKLOG = 4;
const BACKLOG_WAIT_MS = 30_000;
const RATE_WINDOW_MS = 10 * 60_000;

/**
 * Accepts messages for the listener and processes them in the background, started in
 * order of acceptance. At start it first processes whatever was accepted but not processed before a
 * crash or stop, and clears half-received temp files.
 */
export function startMailIntake(base: ServiceContext): TMailIntake {
  const limiter = new RateLimiter(base.settings.MAIL_RATE_PER_SENDER, RATE_WINDOW_MS);
  const queue: number[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let idleWaiters: (() => void)[] = [];
  let roomWaiters: (() => void)[] = [];
  const backlog = () => queue.length + inFlight.size;
  let stopped = false;

  const pump = () => {
    while (!stopped && inFlight.size < CONCURRENCY && queue.length) {
      const id = queue.shift()!;
      const p: Promise<unknown> = processInbound(base, id)
        .catch((err: unknown) => base.log.error({ err, inboundId: id }, 'inbound mail processing failed'))
        .finally(() => {
          inFlight.delete(p);
          pump();
        });
      inFlight.add(p);
    }
    if (backlog() <= MAX_BACKLOG && roomWaiters.length) {
      for (const w of roomWaiters) w();
      roomWaiters = [];
    }
    if (!inFlight.size && !queue.length) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };

  try {
    for (const f of readdirSync(mailTempDir(base.settings))) rmSync(join(mailTempDir(base.settings), f), { force: true });
  } catch {
    // no temp folder yet
  }
  const pending = base.db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.status, 'pending')).orderBy(asc(inboundMessages.id)).all();
  if (pending.length) base.log.info({ count: pending.length }, 'processing mail accepted before the last stop');
  queue.push(...pending.map((r) => r.id));
  pump();

  return {
    tmpDir: mailTempDir(base.settings),
    acceptRecipient: (address) => classifyRecipient(base, address) !== null,
    allowSender: (key) => limiter.consume(key, base.clock.now().getTime()),
    async store(message) {
      const stored = await storeInbound(base, message);
      if (!stored.duplicate) {
        queue.push(stored.id);
        pump();
      }
      if (backlog() > MAX_BACKLOG && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, BACKLOG_WAIT_MS);
          roomWaiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return stored;
    },
    idle: () => (inFlight.size || queue.length ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    async stop() {
      stopped = true;
      for (const w of roomWaiters) w();
      roomWaiters = [];
      await Promise.allSettled([...inFlight]);
    },
  };
}
