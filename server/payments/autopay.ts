import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import { invoices, type TInvoice } from '../../db/schema/finance';
import { autopayAttempts, gatewayCustomers, paymentGateways, savedCards } from '../../db/schema/payments';
import { recordAudit } from '../audit/record-audit';
import { AppError, isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork, type TEmit, type TTx } from '../core/unit-of-work';
import { invoiceLabel } from '../finance/money';
import { applyGatewayPayment } from '../finance/payments';
import { emitFinance } from '../finance/topics';
import { enqueueEmail } from '../outbox/enqueue-email';
import { billingRecipients, composeAutopayFailure } from './autopay-email';
import type { TCardInfo, TChargeResult, TPaymentGateway } from './gateway';
import { gatewayFor } from './gateway-config';
import { defaultCard, type TGatewayResolver } from './saved-cards';
import type { TInvoiceIssuedHook } from '../finance/recurring-scheduler';

/*
 * Auto-pay: a recurring invoice issued with auto-pay on is charged off-session to the
 * company's default saved card, once.
 *
 * How "never twice" holds, step by step:
 * - The attempt row is written with the invoice (same transaction), so an issued invoice
 *   always has its first attempt, and a crash cannot lose or duplicate it.
 * - Before calling the gateway an attempt is claimed in a committed transaction: it freezes
 *   the card and amount and takes a 15-minute lease (compare-and-set on next_attempt_at), so
 *   two runs never send it at once.
 * - Each attempt has its own idempotency key (`autopay-invoice-<id>` for the first); a crash
 *   or a lost answer leaves the attempt pending, and sending it again with the same key and
 *   the same frozen request gets the gateway's first answer back instead of a second charge.
 * - A retry is a new attempt (new key), created only after the previous one was declined:
 *   a definite answer that no money moved. If the invoice got paid meanwhile, no retry.
 * - A success is applied with applyGatewayPayment, idempotent on the payment intent id, so
 *   the webhook about the same intent (or this code run again) changes nothing.
 * All gateway calls happen outside SQLite transactions.
 */

/** Retries after a failed first attempt: days after that first attempt. */
export const AUTOPAY_RETRY_DAYS = [1, 3, 7] as const;
export const AUTOPAY_MAX_ATTEMPTS = 1 + AUTOPAY_RETRY_DAYS.length;
const DAY_MS = 24 * 3600_000;
/** A claimed attempt not settled by then (the process died mid-call) is sent again, same key. */
export const AUTOPAY_LEASE_MS = 15 * 60_000;
/** After a call with no answer (network, gateway error): send again, same key. */
const NO_ANSWER_RETRY_MS = 3600_000;
/** The gateway keeps idempotency keys for 24 hours; past that a resend is no longer safe. */
const NO_ANSWER_GIVE_UP_MS = 23 * 3600_000;

export const autopayIdempotencyKey = (invoiceId: number, attemptNo: number) =>
  attemptNo === 1 ? `autopay-invoice-${invoiceId}` : `autopay-invoice-${invoiceId}-attempt-${attemptNo}`;

type TAttempt = typeof autopayAttempts.$inferSelect;
const isOpen = (inv: TInvoice) => (inv.status === 'sent' || inv.status === 'partial') && inv.totalMinor > inv.paidMinor;

/** The recurring scheduler's "invoice issued" hook: auto-pay's first attempt is written with the invoice. */
export const scheduleAutopayOnIssue: TInvoiceIssuedHook = async (tx, now, invoice, recurring) => {
  if (recurring.autoPay) await scheduleAutopay(tx, now, invoice);
};

/**
 * The scheduler's hook, inside the transaction that issues a recurring invoice with auto-pay
 * on: the first attempt, due now. Nothing for an invoice with nothing to pay, nor while the
 * provider has no card payments (the flag then only says what the client asked for).
 */
export async function scheduleAutopay(tx: TTx, now: Date, inv: TInvoice): Promise<void> {
  if (!isOpen(inv)) return;
  const gateway = (await tx.select({ enabled: paymentGateways.enabled }).from(paymentGateways).where(eq(paymentGateways.providerId, inv.providerId)))[0];
  if (!gateway?.enabled) return;
  await scheduleAttempt(tx, inv, 1, now);
}

/** A pending attempt for the invoice's open balance, due now; (invoice, attempt no) is unique, so a repeat adds nothing. */
async function scheduleAttempt(tx: TTx, inv: TInvoice, attemptNo: number, now: Date): Promise<void> {
  (await tx.insert(autopayAttempts)
    .values({
      providerId: inv.providerId,
      companyId: inv.companyId,
      invoiceId: inv.id,
      attemptNo,
      amountMinor: inv.totalMinor - inv.paidMinor,
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing());
}

export type TAutopayRun = { charged: number; failed: number; abandoned: number; skipped: number; unanswered: number };

/**
 * Runs what is due: turns failed attempts whose retry time came into new attempts, then sends
 * every pending attempt that is due. Safe to run at any time, from any number of callers.
 */
export async function runDueAutopay(ctx: ServiceContext, resolve: TGatewayResolver = gatewayFor): Promise<TAutopayRun> {
  if (ctx.actor.kind !== 'system') throw new AppError('FORBIDDEN', 'Auto-pay runs from the scheduler.');
  const run: TAutopayRun = { charged: 0, failed: 0, abandoned: 0, skipped: 0, unanswered: 0 };
  const now = ctx.clock.now();
  const dueRetries = (await ctx.db
    .select({ id: autopayAttempts.id })
    .from(autopayAttempts)
    .where(and(eq(autopayAttempts.status, 'failed'), isNotNull(autopayAttempts.nextAttemptAt), lte(autopayAttempts.nextAttemptAt, now))));
  for (const { id } of dueRetries) await startRetry(ctx, id);
  const due = (await ctx.db
    .select({ id: autopayAttempts.id })
    .from(autopayAttempts)
    .where(and(eq(autopayAttempts.status, 'pending'), isNotNull(autopayAttempts.nextAttemptAt), lte(autopayAttempts.nextAttemptAt, now)))
    .orderBy(asc(autopayAttempts.id)));
  for (const { id } of due) {
    try {
      run[await sendAttempt(ctx, id, resolve)]++;
    } catch (err) {
      // One attempt's trouble must not stop the others; it stays pending and is tried again.
      ctx.log.error({ err, attemptId: id }, 'auto-pay attempt failed unexpectedly');
      run.unanswered++;
    }
  }
  return run;
}

/** A failed attempt's retry is due: the next attempt, unless the invoice no longer needs it. */
async function startRetry(ctx: ServiceContext, failedId: number): Promise<void> {
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx) => {
    const failed = (await tx.select().from(autopayAttempts).where(eq(autopayAttempts.id, failedId)))[0];
    if (!failed || failed.status !== 'failed' || !failed.nextAttemptAt || failed.nextAttemptAt > now) return;
    // updated_at stays the failure's time: the payment history dates the failure by it.
    (await tx.update(autopayAttempts).set({ nextAttemptAt: null }).where(eq(autopayAttempts.id, failed.id)));
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, failed.invoiceId)))[0]!;
    if (!isOpen(inv)) return; // paid (or voided) meanwhile: nothing more to charge
    await scheduleAttempt(tx, inv, failed.attemptNo + 1, now);
  });
}

type TPlan =
  | { kind: 'skip' }
  /** `final`: the outcome of an earlier send is unknown, so no retry under a new key may follow. */
  | { kind: 'fail'; attempt: TAttempt; reason: string; final?: boolean }
  | { kind: 'send'; attempt: TAttempt; gateway: TPaymentGateway; customerId: string; paymentMethodId: string };

/** Claims one due attempt (committed before any gateway call) and says what to do with it. */
async function claim(ctx: ServiceContext, attemptId: number, resolve: TGatewayResolver): Promise<TPlan> {
  const now = ctx.clock.now();
  return await unitOfWork(ctx, async (tx): Promise<TPlan> => {
    const a = (await tx.select().from(autopayAttempts).where(eq(autopayAttempts.id, attemptId)))[0];
    if (!a || a.status !== 'pending' || !a.nextAttemptAt || a.nextAttemptAt > now) return { kind: 'skip' };
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, a.invoiceId)))[0]!;
    const resend = a.savedCardId !== null;
    const lease = async (set: Partial<TAttempt>) =>
      (await tx
        .update(autopayAttempts)
        .set({ ...set, nextAttemptAt: new Date(now.getTime() + AUTOPAY_LEASE_MS), updatedAt: now })
        .where(and(eq(autopayAttempts.id, a.id), eq(autopayAttempts.status, 'pending'), eq(autopayAttempts.nextAttemptAt, a.nextAttemptAt!)))
        .returning())[0]!;
    const customer = (await tx.select().from(gatewayCustomers).where(eq(gatewayCustomers.companyId, a.companyId)))[0];
    if (resend) {
      // Possibly sent before: the very same request again (same key, card, amount), whatever changed since.
      if (now.getTime() - a.createdAt.getTime() > NO_ANSWER_GIVE_UP_MS) {
        return { kind: 'fail', attempt: a, reason: 'The payment gateway did not answer. To be sure the card is not charged twice, auto-pay stopped for this invoice.', final: true };
      }
      const card = (await tx.select().from(savedCards).where(eq(savedCards.id, a.savedCardId!)))[0]!;
      const gateway = await resolve(ctx, a.providerId, { includeDisabled: true });
      if (!gateway || !customer) return { kind: 'fail', attempt: a, reason: 'Card payments were turned off.', final: true };
      const claimed = await lease({});
      return claimed ? { kind: 'send', attempt: claimed, gateway, customerId: customer.gatewayCustomerId, paymentMethodId: card.gatewayPaymentMethodId } : { kind: 'skip' };
    }
    if (!isOpen(inv)) {
      // Paid another way before we charged: settle the attempt without charging.
      (await tx.update(autopayAttempts).set({ status: 'abandoned', nextAttemptAt: null, updatedAt: now }).where(eq(autopayAttempts.id, a.id)));
      return { kind: 'skip' };
    }
    const gateway = await resolve(ctx, a.providerId);
    if (!gateway) return { kind: 'fail', attempt: a, reason: 'Card payments are turned off.' };
    const card = await defaultCard(tx, a.companyId);
    if (!card || !customer) return { kind: 'fail', attempt: a, reason: 'There is no saved card to charge.' };
    const claimed = await lease({ savedCardId: card.id, amountMinor: inv.totalMinor - inv.paidMinor });
    if (!claimed) return { kind: 'skip' }; // another run claimed it first
    return { kind: 'send', attempt: claimed, gateway, customerId: customer.gatewayCustomerId, paymentMethodId: card.gatewayPaymentMethodId };
  });
}

/** Claims, charges and records one attempt. */
async function sendAttempt(ctx: ServiceContext, attemptId: number, resolve: TGatewayResolver): Promise<keyof TAutopayRun> {
  const plan = await claim(ctx, attemptId, resolve);
  if (plan.kind === 'skip') return 'skipped';
  if (plan.kind === 'fail') return await recordFailure(ctx, plan.attempt, plan.reason, null, plan.final);
  const { attempt: a, gateway } = plan;
  const inv = (await ctx.db.select().from(invoices).where(eq(invoices.id, a.invoiceId)))[0]!;
  let result: TChargeResult;
  try {
    result = await gateway.chargeOffSession({
      customerId: plan.customerId,
      paymentMethodId: plan.paymentMethodId,
      amountMinor: a.amountMinor,
      currency: inv.currency,
      description: `${invoiceLabel(inv.number)} (auto-pay)`,
      metadata: { purpose: 'autopay', providerId: String(a.providerId), companyId: String(a.companyId), invoiceId: String(a.invoiceId), autopayAttemptId: String(a.id) },
      idempotencyKey: autopayIdempotencyKey(a.invoiceId, a.attemptNo),
    });
  } catch (err) {
    if (refusedRequest(err)) return await recordFailure(ctx, a, `The payment gateway refused the charge: ${err instanceof Error ? err.message : String(err)}`, null);
    // No answer: we cannot know whether it charged, so only ever the same request again.
    ctx.log.warn({ err, attemptId: a.id }, 'auto-pay charge got no answer; will resend with the same key');
    const now = ctx.clock.now();
    (await ctx.db
      .update(autopayAttempts)
      .set({ nextAttemptAt: new Date(now.getTime() + NO_ANSWER_RETRY_MS), updatedAt: now })
      .where(and(eq(autopayAttempts.id, a.id), eq(autopayAttempts.status, 'pending'))));
    return 'unanswered';
  }
  if (result.status === 'succeeded') return await recordSuccess(ctx, a, result.paymentIntentId, result.card);
  if (result.status === 'failed') return await recordFailure(ctx, a, result.message, result.paymentIntentId);
  // Processing: the webhook for this intent settles it (handleAutopayIntent); no resend meanwhile.
  const now = ctx.clock.now();
  (await ctx.db.update(autopayAttempts).set({ gatewayPaymentIntentId: result.paymentIntentId, nextAttemptAt: null, updatedAt: now }).where(eq(autopayAttempts.id, a.id)));
  return 'skipped';
}

/**
 * A request the gateway refused outright (4xx other than a conflict or rate limit): nothing was
 * charged. An idempotency conflict is not such an answer: the key was used before.
 */
function refusedRequest(err: unknown): boolean {
  const e = err as { statusCode?: number; type?: string; raw?: { type?: string } } | null;
  const status = e?.statusCode;
  if (status !== 400 && status !== 404) return false;
  return e?.type !== 'StripeIdempotencyError' && e?.raw?.type !== 'idempotency_error';
}

const emitAttempt = (emit: TEmit, a: TAttempt, status: string) =>
  emitFinance(emit, a, 'autopay.attempted', { invoiceId: a.invoiceId, attemptId: a.id, status }, true);

/** The charge went through: the payment is applied (once, by intent id), then the attempt settled. */
async function recordSuccess(ctx: ServiceContext, a: TAttempt, paymentIntentId: string, card: TCardInfo | null): Promise<'charged'> {
  let note: string | null = null;
  try {
    await applyGatewayPayment(ctx, {
      invoiceId: a.invoiceId,
      amountMinor: a.amountMinor,
      gateway: 'stripe',
      gatewayRef: paymentIntentId,
      card: card ? { brand: card.brand, last4: card.last4 } : null,
    });
  } catch (err) {
    // The invoice was paid another way while this charge was in flight: the charge stands, and
    // staff must refund it at the gateway. Said in the log and the audit trail.
    if (!isAppError(err) || (err.code !== 'CONFLICT' && err.code !== 'BAD_INPUT')) throw err;
    note = `Charged, but ${err.message} Refund this charge at the payment gateway.`;
    ctx.log.error({ attemptId: a.id, paymentIntentId }, 'auto-pay charged an invoice that was already paid');
  }
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx, emit) => {
    const done = (await tx
      .update(autopayAttempts)
      .set({ status: 'succeeded', gatewayPaymentIntentId: paymentIntentId, failureMessage: note, nextAttemptAt: null, updatedAt: now })
      .where(and(eq(autopayAttempts.id, a.id), eq(autopayAttempts.status, 'pending')))
      .returning())[0]!;
    if (!done) return;
    await recordAudit(tx, now, {
      kind: 'autopay_charged',
      providerId: a.providerId,
      detail: { companyId: a.companyId, invoiceId: a.invoiceId, attemptNo: a.attemptNo, amountMinor: a.amountMinor, paymentIntentId, ...(note ? { note } : {}) },
    });
    emitAttempt(emit, done, 'succeeded');
  });
  return 'charged';
}

/**
 * The charge was declined (or could not be made): the attempt is marked with the reason, the
 * billing contacts are mailed with a Pay Now link, and the next retry is set, or, after the
 * last one, the invoice's auto-pay is abandoned.
 */
async function recordFailure(ctx: ServiceContext, a: TAttempt, reason: string, paymentIntentId: string | null, final = false): Promise<'failed' | 'abandoned'> {
  const now = ctx.clock.now();
  const last = final || a.attemptNo >= AUTOPAY_MAX_ATTEMPTS;
  return await unitOfWork(ctx, async (tx, emit) => {
    const first = a.attemptNo === 1 ? a : (await tx.select().from(autopayAttempts).where(and(eq(autopayAttempts.invoiceId, a.invoiceId), eq(autopayAttempts.attemptNo, 1))))[0] ?? a;
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, a.invoiceId)))[0]!;
    const retryAt = last ? null : new Date(Math.max(first.createdAt.getTime() + AUTOPAY_RETRY_DAYS[a.attemptNo - 1]! * DAY_MS, now.getTime()));
    const nextAttemptAt = retryAt && isOpen(inv) ? retryAt : null;
    const done = (await tx
      .update(autopayAttempts)
      .set({ status: last ? 'abandoned' : 'failed', failureMessage: reason, gatewayPaymentIntentId: paymentIntentId, nextAttemptAt, updatedAt: now })
      .where(and(eq(autopayAttempts.id, a.id), eq(autopayAttempts.status, 'pending')))
      .returning())[0]!;
    if (!done) return last ? 'abandoned' : 'failed';
    const card = done.savedCardId ? (await tx.select().from(savedCards).where(eq(savedCards.id, done.savedCardId)))[0] : undefined;
    if (isOpen(inv)) {
      for (const to of await billingRecipients(tx, a.companyId)) {
        await enqueueEmail(
          tx,
          emit,
          now,
          await composeAutopayFailure(tx, ctx.settings, { invoice: inv, amountMinor: done.amountMinor, card: card ?? null, reason, nextAttemptAt }, to),
        );
      }
    }
    await recordAudit(tx, now, {
      kind: 'autopay_failed',
      providerId: a.providerId,
      detail: { companyId: a.companyId, invoiceId: a.invoiceId, attemptNo: a.attemptNo, reason, paymentIntentId, nextAttemptAt: nextAttemptAt?.toISOString() ?? null },
    });
    emitAttempt(emit, done, done.status);
    return last ? 'abandoned' : 'failed';
  });
}

/**
 * The webhook's word on an intent auto-pay created (metadata `purpose: autopay`): settles an
 * attempt the gateway was still processing when charged. Idempotent: a settled attempt and an
 * applied payment are left as they are, so the usual case (already applied when charged) is a
 * no-op.
 */
export async function handleAutopayIntent(
  ctx: ServiceContext,
  gateway: TPaymentGateway,
  input: { providerId: number; paymentIntentId: string; attemptId: number | null; outcome: 'succeeded' | 'failed'; message?: string },
): Promise<{ handled: boolean }> {
  const byIntent = (await ctx.db.select().from(autopayAttempts).where(eq(autopayAttempts.gatewayPaymentIntentId, input.paymentIntentId)))[0];
  const a = byIntent ?? (input.attemptId ? (await ctx.db.select().from(autopayAttempts).where(eq(autopayAttempts.id, input.attemptId)))[0] : undefined);
  if (!a || a.providerId !== input.providerId) return { handled: false };
  if (a.status === 'succeeded') return { handled: true };
  if (input.outcome === 'failed') {
    if (a.status === 'pending') await recordFailure(ctx, a, input.message ?? 'The card was declined.', input.paymentIntentId);
    return { handled: true };
  }
  let card: TCardInfo | null = null;
  try {
    card = await gateway.cardOfPaymentIntent(input.paymentIntentId);
  } catch (err) {
    ctx.log.warn({ err, paymentIntentId: input.paymentIntentId }, 'could not read the card of an auto-pay charge');
  }
  const now = (await ctx.db.select().from(autopayAttempts).where(eq(autopayAttempts.id, a.id)))[0]!;
  if (now.status === 'succeeded') return { handled: true };
  if (now.status === 'pending') {
    await recordSuccess(ctx, now, input.paymentIntentId, card);
    return { handled: true };
  }
  // The gateway says money moved for an attempt we had settled as failed (it gave no answer in
  // time): the payment is applied all the same, once, and staff are told in the log.
  ctx.log.error({ attemptId: a.id, paymentIntentId: input.paymentIntentId }, 'auto-pay charge succeeded after its attempt was settled as failed');
  try {
    await applyGatewayPayment(ctx, { invoiceId: a.invoiceId, amountMinor: a.amountMinor, gateway: 'stripe', gatewayRef: input.paymentIntentId, card });
  } catch (err) {
    if (!isAppError(err) || (err.code !== 'CONFLICT' && err.code !== 'BAD_INPUT')) throw err;
    ctx.log.error({ attemptId: a.id, paymentIntentId: input.paymentIntentId, reason: err.message }, 'late auto-pay charge could not be applied; refund it at the gateway');
  }
  return { handled: true };
}
