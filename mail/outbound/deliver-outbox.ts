import { and, asc, eq, lte } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import { outbox, type TOutboxRow } from '../../db/schema/outbox';
import type { Clock } from '../../server/core/clock';
import type { EventBus } from '../../server/core/events';
import { OUTBOX_TOPIC } from '../../server/outbox/enqueue-email';

const MAX_ATTEMPTS = 8;
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

  async function drainOnce(): Promise<number> {
    if (!transport || stopped) return 0;
    let sent = 0;
    for (;;) {
      const due = (await opts.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, opts.clock.now())))
        .orderBy(asc(outbox.id))
        .limit(20));
      if (due.length === 0 || stopped) return sent;
      for (const row of due) await deliver(row);
      sent += due.length;
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
