import type { TInboundMessage } from '../../db/schema/inbound-mail';
import type { TReceivedFile } from '../attachments/store';
import { AppError, isAppError } from '../core/app-error';
import { isTransactionAlive } from '../../db/client';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
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
  work: (ctx: ServiceContext) => Promise<TOutcome> | TOutcome;
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
async function applyOutcome(ctx: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => Promise<TOutcome> | TOutcome): Promise<TOutcome> {
  const q = intakeQueries(ctx.db);
  // Processed once: a message that left "pending" meanwhile (here, or on another node) is not processed again.
  if (row.status === 'pending' && (await q.inboundStatusLocked.get({ id: row.id }))?.status !== 'pending') {
    throw new AppError('CONFLICT', 'This message was processed already.');
  }
  const o = await work(ctx);
  await q.finishInbound.run({
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
  if (o.status !== 'processed' || row.status !== 'pending') await unitOfWork(ctx, (_tx, emit) => emit(inboundTopic(o.providerId ?? null), 'inbound.changed', { id: row.id, status: o.status }));
  return o;
}

/**
 * Runs `work` (service calls) and the message row's update in one unit of work: the
 * services' own units nest as savepoints, and every event goes out after the one commit.
 */
export async function commitInbound(base: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => Promise<TOutcome> | TOutcome): Promise<TOutcome> {
  return await unitOfWork(base, async (tx) => await applyOutcome({ ...base, db: tx }, row, mail, work));
}

/**
 * Commits prepared messages in one transaction (one commit, not one each), each in a
 * savepoint of its own: a message whose work fails is rolled back alone and recorded as
 * failed, and only the events of what stays are published, after the commit. Idempotent:
 * only a pending message is processed, and its row leaves "pending" in the same
 * transaction as the comment or ticket it caused.
 */
export async function commitPrepared(base: ServiceContext, list: readonly TPreparedInbound[]): Promise<void> {
  const discard: TReceivedFile[] = [];
  const worked = new Set<TPreparedInbound>();
  await unitOfWork(base, async (tx) => {
    const batch = { ...base, db: tx };
    for (const p of list) {
      try {
        await unitOfWork(batch, async (sp) => await applyOutcome({ ...base, db: sp }, p.row, p.mail, p.work));
        worked.add(p);
        continue;
      } catch (err) {
        // The database itself ended the transaction (disk full, I/O): the whole batch fails.
        if (!isTransactionAlive(tx)) throw err;
        discard.push(...p.files);
        if ((await intakeQueries(tx).inboundStatus.get({ id: p.row.id }))?.status !== 'pending') continue;
        // Whatever went wrong, the message lands in the staff list rather than staying pending.
        base.log.error({ err, inboundId: p.row.id }, 'inbound message could not be processed');
        await unitOfWork(batch, async (sp) => await applyOutcome({ ...base, db: sp }, p.row, p.mail, () => failed(err, p.failedProviderId)));
      }
    }
  });
  for (const p of list) void p.afterCommit?.(worked.has(p));
  if (discard.length) void discardMailFiles(discard).catch(() => {});
}

