import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, lte } from 'drizzle-orm';
import { inboundMessages } from '../../db/schema/inbound-mail';
import type { ServiceContext } from '../core/context';
import { engineOf } from '../../db/client';
import { RateLimiter, SharedRateLimiter } from '../core/rate-limiter';
import { classifyRecipient, type TRecipient } from './addresses';
import { createMailParser } from './mail-parser';
import { recipientsOf } from './match-message';
import { commitPrepared, type TPreparedInbound } from './commit-inbound';
import { prepareInbound, type TQueuedInbound } from './process-message';
import { recoverSpool } from './recover-spool';
import { createInboundStore, mailTempDir, type TReceivedMessage } from './store-inbound';
import { createMailResolver, type TDnsResolver } from './mail-dns';
import { createSenderAuthenticator } from './sender-auth';

/** What the SMTP listener asks of intake. */
export interface TMailIntakePort {
  acceptRecipient(address: string): Promise<boolean>;
  allowSender(key: string): boolean | Promise<boolean>;
  store(message: TReceivedMessage): Promise<{ id: number; duplicate: boolean }>;
  tmpDir: string;
}

export interface TMailIntake extends TMailIntakePort {
  /** Resolves once every message accepted so far is processed (tests, benchmark). */
  idle(): Promise<void>;
  /** Starts the parsing thread ahead of the first message (a long-running server; the benchmark). */
  warmUp(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Messages read, parsed and matched at once; what is ready is committed together. */
const CONCURRENCY = 8;
/**
 * Past this many accepted-but-unprocessed messages, the 250 for the next one waits (up to
 * BACKLOG_WAIT_MS) until processing catches up: senders keep the surplus, so the time from
 * acceptance to the comment stays short and bounded under load (the message is already
 * committed; only the answer waits).
 */
const MAX_BACKLOG = 4;
const BACKLOG_WAIT_MS = 30_000;
const RATE_WINDOW_MS = 10 * 60_000;
/** Recipients resolved at RCPT TO, kept for processing the message they arrive with. */
const ACCEPTED_RECIPIENTS = 1000;
/**
 * Several nodes: a message still pending this long after it was accepted belongs to a node
 * that stopped or died before processing it; any node takes it then (the commit's row lock
 * keeps it from being processed twice). Looked for every ORPHAN_SWEEP_MS.
 */
export const ORPHAN_AFTER_MS = 5 * 60_000;
const ORPHAN_SWEEP_MS = 60_000;

/**
 * Accepts messages for the listener and processes them in the background, started in
 * order of acceptance. Messages prepared (parsed, matched, files received) while the
 * previous commit ran are committed in one transaction, so under load a commit serves
 * several; a lone message is committed at once. At start it first processes whatever was
 * accepted but not processed before a crash or stop, and clears half-received temp files.
 */
export async function startMailIntake(base: ServiceContext, opts: { resolver?: TDnsResolver; orphanSweepMs?: number } = {}): Promise<TMailIntake> {
  // Per sender (or client address): on PostgreSQL counted in the database, so mail spread over
  // several nodes adds up; SQLite's one node counts in memory and saves a write per message.
  const limit = base.settings.MAIL_RATE_PER_SENDER;
  const shared = engineOf(base.db) === 'pg' ? new SharedRateLimiter(base.db, 'mail-sender', limit, RATE_WINDOW_MS) : null;
  const local = new RateLimiter(limit, RATE_WINDOW_MS);
  const inbound = createInboundStore(base);
  const parser = createMailParser(base.log);
  // DNS for SPF, DKIM and DMARC: MAIL_DNS's, or the records a test serves.
  const auth = createSenderAuthenticator(base.settings, base.log, createMailResolver(base.settings, base.log, opts.resolver));
  const accepted = new Map<string, TRecipient>();
  const queue: TQueuedInbound[] = [];
  /** Ids of the messages this node has queued and not yet committed (the orphan sweep skips them). */
  const inFlight = new Set<number>();
  const enqueue = (item: TQueuedInbound) => {
    inFlight.add(item.id);
    queue.push(item);
  };
  const ready: TPreparedInbound[] = [];
  let preparing = 0;
  /** A commit scheduled or running: one at a time, so what is prepared meanwhile goes in the next batch. */
  let committing: NodeJS.Immediate | 'running' | null = null;
  let inCommit = 0;
  let idleWaiters: (() => void)[] = [];
  /** Verdicts of messages already committed, still to be written (a reply by token does not wait for DNS). */
  const lateWrites = new Set<Promise<void>>();
  const track = (write: Promise<void> | void) => {
    if (!write) return;
    lateWrites.add(write);
    void write.finally(() => {
      lateWrites.delete(write);
      pump();
    });
  };
  let roomWaiters: (() => void)[] = [];
  const backlog = () => queue.length + preparing + ready.length + inCommit;
  let stopped = false;

  const commitReady = async () => {
    committing = 'running';
    // In order of acceptance within the batch (preparing may finish out of order).
    const batch = ready.splice(0).sort((a, b) => a.row.id - b.row.id);
    inCommit = batch.length;
    try {
      await commitPrepared(base, batch);
    } catch (err) {
      base.log.warn({ err }, 'inbound mail could not be committed together; one at a time');
      for (const p of batch) {
        try {
          await commitPrepared(base, [p]);
        } catch (e) {
          base.log.error({ err: e, inboundId: p.row.id }, 'inbound mail processing failed');
        }
      }
    } finally {
      for (const p of batch) inFlight.delete(p.row.id);
      inCommit = 0;
      committing = null;
    }
    pump();
  };

  const pump = () => {
    if (ready.length) committing ??= setImmediate(() => void commitReady());
    while (!stopped && preparing < CONCURRENCY && queue.length) {
      const next = queue.shift()!;
      preparing++;
      prepareInbound(base, parser, next, auth)
        .then(
          (prepared) => {
            if (!prepared) return void inFlight.delete(next.id);
            const after = prepared.afterCommit;
            if (after) prepared.afterCommit = (worked) => track(after(worked));
            ready.push(prepared);
          },
          (err: unknown) => {
            inFlight.delete(next.id);
            base.log.error({ err, inboundId: next.id }, 'inbound mail processing failed');
          },
        )
        .finally(() => {
          preparing--;
          pump();
        });
    }
    if (backlog() <= MAX_BACKLOG && roomWaiters.length) {
      for (const w of roomWaiters) w();
      roomWaiters = [];
    }
    if (!backlog() && !committing && !lateWrites.size) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };
  // Stopped: what is being prepared is still committed (the queue stays pending for the next start).
  const settled = () => !preparing && !ready.length && !committing;

  try {
    for (const f of readdirSync(mailTempDir(base.settings))) rmSync(join(mailTempDir(base.settings), f), { force: true });
  } catch {
    // no temp folder yet
  }
  await recoverSpool(base);
  const pending = (await base.db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.status, 'pending')).orderBy(asc(inboundMessages.id)));
  if (pending.length) base.log.info({ count: pending.length }, 'processing mail accepted before the last stop');
  for (const row of pending) enqueue(row);
  pump();

  const sweepOrphans = async () => {
    if (stopped) return;
    try {
      const before = new Date(base.clock.now().getTime() - ORPHAN_AFTER_MS);
      const orphans = await base.db
        .select({ id: inboundMessages.id })
        .from(inboundMessages)
        .where(and(eq(inboundMessages.status, 'pending'), lte(inboundMessages.receivedAt, before)))
        .orderBy(asc(inboundMessages.id))
        .limit(100);
      const taken = orphans.filter((o) => !inFlight.has(o.id));
      if (!taken.length || stopped) return;
      base.log.info({ count: taken.length }, 'processing mail another node accepted and left pending');
      for (const row of taken) enqueue(row);
      pump();
    } catch (err) {
      base.log.error({ err }, 'looking for mail left pending failed');
    }
  };
  const orphanTimer = setInterval(() => void sweepOrphans(), opts.orphanSweepMs ?? ORPHAN_SWEEP_MS);
  orphanTimer.unref();

  return {
    tmpDir: mailTempDir(base.settings),
    async acceptRecipient(address) {
      const recipient = await classifyRecipient(base, address);
      if (recipient) {
        const key = address.trim().toLowerCase();
        accepted.delete(key);
        accepted.set(key, recipient);
        if (accepted.size > ACCEPTED_RECIPIENTS) accepted.delete(accepted.keys().next().value!);
      }
      return recipient !== null;
    },
    allowSender: (key) => (shared ? shared.consume(key, base.clock.now()) : local.consume(key, base.clock.now().getTime())),
    async store(message) {
      const stored = await inbound.store(message);
      if (stored.row) {
        const raw = Buffer.isBuffer(message.data) ? message.data : undefined;
        enqueue({ id: stored.id, row: stored.row, raw, recipients: await recipientsOf(base, message.envelopeTo, (a) => accepted.get(a)) });
        pump();
      }
      if (backlog() > MAX_BACKLOG && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, BACKLOG_WAIT_MS);
          roomWaiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return { id: stored.id, duplicate: stored.duplicate };
    },
    warmUp: () => parser.ready(),
    idle: () => (backlog() || committing || lateWrites.size ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    async stop() {
      stopped = true;
      clearInterval(orphanTimer);
      for (const w of roomWaiters) w();
      roomWaiters = [];
      await parser.close(); // what it was parsing is parsed here instead
      while (!settled()) await new Promise((r) => setImmediate(r));
      await Promise.allSettled([...lateWrites]);
      await inbound.close();
    },
  };
}
