import type { TInboundMessage } from '../../db/schema/inbound-mail';
import type { TReceivedFile } from '../attachments/store';
import { AppError, isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { DeferredBus } from './deferred-bus';
import { discardMailFiles } from './mail-attachments';
import type { TMail } from './parse-message';
import { intakeQueries } from './queries';
import { outcomeError, type TOutcome } from './outcomes';
import { inboundTopic } from './topics';

/*
 * Committing what intake made of a message: the services' writes and the message row's
 * update in one transaction, events published after it.
 */

export type { TOutcome } from './outcomes';

/** A message read and understood, to be committed: `work` calls the services inside the commit. */
export interface TPreparedInbound {
  row: TInboundMessage;
  mail: TMail | null;
  work: (ctx: ServiceContext) => TOutcome;
  /** Files received for it, discarded if the work fails. */
  files: readonly TReceivedFile[];
  /** Where a failure is listed (default: the row's provider). */
  failedProviderId?: number | null;
  /** Runs once the commit is done; `worked`: its work was kept (not rolled back as failed). May leave a write for later. */
  afterCommit?: (worked: boolean) => Promise<void> | void;
}

/** The outcome of a message whose processing failed: listed for staff. */
export const failed = (err: unknown, providerId?: number | null): TOutcome =>
  isAppError(err) ? { status: 'failed', problem: 'refused', detail: err.message, flags: [], providerId } : { status: 'failed', problem: 'processing_failed', flags: [], providerId };

/**
 * Inside a transaction: `work` (service calls) and the message row's update. The staff list
 * hears of every change but the common one (pending to processed by intake).
 */
function applyOutcome(ctx: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => TOutcome): TOutcome {
  const q = intakeQueries(ctx.db);
  // Processed once: a message that left "pending" meanwhile is not processed again.
  if (row.status === 'pending' && q.inboundStatus.get({ id: row.id })?.status !== 'pending') {
    throw new AppError('CONFLICT', 'This message was processed already.');
  }
  const o = work(ctx);
  q.finishInbound.run({
    id: row.id,
    status: o.status,
    providerId: o.providerId ?? row.providerId,
    ticketId: o.ticketId ?? null,
    commentId: o.commentId ?? null,
    matchedBy: o.matchedBy ?? null,
    flags: o.flags,
    error: outcomeError(o),
    senderAuth: o.senderAuth ?? row.senderAuth ?? null,
    fromAddress: mail ? (mail.from?.address ?? null) : row.fromAddress,
    fromName: mail ? mail.from?.name || null : row.fromName,
    subject: mail ? mail.subject.slice(0, 500) : row.subject,
    processedAt: ctx.clock.now(),
  });
  if (o.status !== 'processed' || row.status !== 'pending') unitOfWork(ctx, (_tx, emit) => emit(inboundTopic(o.providerId ?? null), 'inbound.changed', { id: row.id, status: o.status }));
  return o;
}

/**
 * Runs `work` (service calls) and the message row's update in one transaction; the
 * services' events are held until it commits.
 */
export function commitInbound(base: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => TOutcome): TOutcome {
  const bus = new DeferredBus();
  const outcome = base.db.transaction(() => applyOutcome({ ...base, bus }, row, mail, work));
  bus.flushTo(base.bus);
  return outcome;
}

/**
 * Commits prepared messages in one transaction (one commit, not one each), each in a
 * savepoint of its own: a message whose work fails is rolled back alone and recorded as
 * failed, and only the events of what stays are published, after the commit. Idempotent:
 * only a pending message is processed, and its row leaves "pending" in the same
 * transaction as the comment or ticket it caused.
 */
export function commitPrepared(base: ServiceContext, list: readonly TPreparedInbound[]): void {
  const kept: DeferredBus[] = [];
  const discard: TReceivedFile[] = [];
  const worked = new Set<TPreparedInbound>();
  base.db.transaction(() => {
    for (const p of list) {
      const bus = new DeferredBus();
      try {
        base.db.transaction(() => applyOutcome({ ...base, bus }, p.row, p.mail, p.work));
        kept.push(bus);
        worked.add(p);
        continue;
      } catch (err) {
        // SQLite itself ended the transaction (disk full, I/O): the whole batch fails.
        if (!base.db.$client.inTransaction) throw err;
        discard.push(...p.files);
        if (intakeQueries(base.db).inboundStatus.get({ id: p.row.id })?.status !== 'pending') continue;
        // Whatever went wrong, the message lands in the staff list rather than staying pending.
        base.log.error({ err, inboundId: p.row.id }, 'inbound message could not be processed');
        const failBus = new DeferredBus();
        base.db.transaction(() => applyOutcome({ ...base, bus: failBus }, p.row, p.mail, () => failed(err, p.failedProviderId)));
        kept.push(failBus);
      }
    }
  });
  for (const bus of kept) bus.flushTo(base.bus);
  for (const p of list) p.afterCommit?.(worked.has(p));
  if (discard.length) void discardMailFiles(discard).catch(() => {});
}

