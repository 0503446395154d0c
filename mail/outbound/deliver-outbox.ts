import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { forUpdateSkipLocked, type TDb } from '../../db/client';
import { outbox, type TOutboxRow } from '../../db/schema/outbox';
import type { Clock } from '../../server/core/clock';
import type { EventBus } from '../../server/core/events';
import { OUTBOX_TOPIC } from '../../server/outbox/enqueue-email';

const MAX_ATTEMPTS = 8;
/**
 * A claimed row is due again only after this long: the node that claimed it is sending
 * it. Should that node die mid-send, another sends it then (the same Message-ID, so a
 * copy that did go out first is one message to the recipient's client).
 */
export const CLAIM_MS = 30 * 60_000; // longer than nodemailer's own timeouts allow one send to hang
const BATCH = 20;
/** 30 s, 1 min, 2 min … capped at 1 h: a relay outage of a day still delivers. */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);

export interface TOutboxWorker {
  /** Delivers everything due now; resolves when the batch is done. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Delivers outbox rows through the SMTP relay with retries and backoff. With no relay the
 * rows stay pending and staff read them on the "Outgoing mail" page.
 */
export function startOutboxWorker(opts: {
  db: TDb;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  relayUrl: string | undefined;
  transport?: Transporter;
  /** Envelope sender per message (VERP), so a bounce names the row it is about. */
  bounceAddress?: (outboxId: number) => string;
  /** Our own loop marker: mail intake treats inbound mail carrying it as automatic. */
  loopHeader?: { name: string; value: string };
}): TOutboxWorker {
  const transport = opts.transport ?? (opts.relayUrl ? nodemailer.createTransport(opts.relayUrl) : undefined);
  let running: Promise<number> | null = null;
  let stopped = false;

  async function deliver(row: TOutboxRow): Promise<void> {
    if (!transport) return;
    try {
      await transport.sendMail({
        from: row.fromAddress,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody ?? undefined,
        headers: opts.loopHeader ? { ...row.headers, [opts.loopHeader.name]: opts.loopHeader.value } : row.headers,
        messageId: row.headers['Message-ID'],
        ...(opts.bounceAddress ? { envelope: { from: opts.bounceAddress(row.id), to: row.toAddress } } : {}),
      });
      (await opts.db.update(outbox).set({ status: 'sent', sentAt: opts.clock.now(), attempts: row.attempts + 1, lastError: null }).where(eq(outbox.id, row.id)));
    } catch (err) {
      const attempts = row.attempts + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      (await opts.db
        .update(outbox)
        .set({
          attempts,
          status: failed ? 'failed' : 'pending',
          lastError: String((err as Error).message ?? err).slice(0, 500),
          nextAttemptAt: new Date(opts.clock.now().getTime() + backoffMs(attempts)),
        })
        .where(eq(outbox.id, row.id)));
      opts.log.warn({ outboxId: row.id, attempts, err: (err as Error).message }, 'outbound mail delivery failed');
    }
  }

  /**
   * Claims up to a batch of due rows in one statement: their next attempt moves a claim's
   * length ahead, so no other worker (on this node or another) takes them meanwhile; on
   * PostgreSQL rows another node is claiming right now are skipped, not waited for.
   */
  async function claim(): Promise<TOutboxRow[]> {
    const now = opts.clock.now();
    const due = forUpdateSkipLocked(
      opts.db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .orderBy(asc(outbox.id))
        .limit(BATCH),
    );
    const rows = await opts.db
      .update(outbox)
      .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_MS) })
      .where(and(inArray(outbox.id, due), eq(outbox.status, 'pending')))
      .returning();
    return rows.sort((a, b) => a.id - b.id);
  }

  async function drainOnce(): Promise<number> {
    if (!transport || stopped) return 0;
    let sent = 0;
    for (;;) {
      const claimed = await claim();
      if (claimed.length === 0) return sent;
      for (const [i, row] of claimed.entries()) {
        if (stopped) {
          // Stopping: what this node claimed but did not send is due again now, for the next node.
          await opts.db.update(outbox).set({ nextAttemptAt: opts.clock.now() }).where(inArray(outbox.id, claimed.slice(i).map((r) => r.id)));
          return sent;
        }
        await deliver(row);
        sent++;
      }
    }
  }

  const drain = (): Promise<number> => {
    running ??= drainOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const unsubscribe = opts.bus.on(OUTBOX_TOPIC, () => void drain());
  const timer = setInterval(() => void drain(), 15_000);
  timer.unref();
  void drain();

  return {
    drain,
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await running;
      transport?.close();
    },
  };
}
