import { and, eq, inArray, sql } from 'drizzle-orm';
import { invoices, payments, type TInvoice } from '../../db/schema/finance';
import { refunds } from '../../db/schema/payments';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, requireStaff } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { inScope } from '../finance/access';
import { emitInvoice } from '../finance/invoice-edits';
import { formatMoney, invoiceLabel } from '../finance/money';
import { emitFinance } from '../finance/topics';
import { gatewayFor } from './gateway-config';
import { ZRefundInput } from './schemas';

/*
 * Staff refund a card payment, in full or in part, through the gateway. The amount is first
 * reserved as a pending refund row (so two staff cannot refund the same money twice), then
 * the gateway is asked with that row's idempotency key, then the answer is applied: the
 * payment's refunded amount grows, the invoice's paid amount shrinks and its status follows.
 */

/** Paid → partial (or sent, when nothing paid remains). */
export const statusAfterRefund = (inv: TInvoice, paidMinor: number): TInvoice['status'] => (paidMinor <= 0 ? 'sent' : paidMinor >= inv.totalMinor ? 'paid' : 'partial');

export interface TRefundResult {
  refundId: number;
  status: 'succeeded' | 'pending' | 'failed';
  amountMinor: number;
  currency: string;
}

export async function refundPayment(ctx: ServiceContext, input: unknown, ip: string | null): Promise<TRefundResult> {
  const staff = requireStaff(ctx.actor);
  const scope = requireFinanceAccess(staff);
  const data = ZRefundInput.parse(input);
  const now = ctx.clock.now();

  const reserved = await unitOfWork(ctx, async (tx) => {
    const p = (await tx.select().from(payments).where(and(eq(payments.id, data.paymentId), inScope(scope, payments))))[0];
    if (!p) throw new AppError('NOT_FOUND', 'Payment not found.');
    if (!p.gateway || !p.gatewayRef) throw new AppError('CONFLICT', 'Only card payments made through the portal can be refunded here.');
    // Pending refunds count too: the money is already on its way back.
    const claimed = (await tx
      .select({ total: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(Number) })
      .from(refunds)
      .where(and(eq(refunds.paymentId, p.id), inArray(refunds.status, ['pending', 'succeeded']))))[0]!.total;
    const left = p.amountMinor - Math.max(claimed, p.refundedMinor);
    if (data.amountMinor > left) {
      throw new AppError('BAD_INPUT', left > 0 ? `At most ${formatMoney(left, p.currency, 'en-US')} of this payment can be refunded.` : 'This payment is already refunded in full.', {
        field: 'amountMinor',
        refundableMinor: Math.max(left, 0),
      });
    }
    const refund = (await tx
      .insert(refunds)
      .values({ providerId: p.providerId, paymentId: p.id, amountMinor: data.amountMinor, status: 'pending', reason: data.reason || null, staffId: staff.staffId, createdAt: now })
      .returning())[0]!;
    return { payment: p, refund };
  });
  const { payment, refund } = reserved;

  const gateway = await gatewayFor(ctx, payment.providerId, { includeDisabled: true });
  let answer: { id: string; status: 'succeeded' | 'pending' | 'failed' };
  try {
    if (!gateway) throw new AppError('CONFLICT', 'Card payments are not set up, so the refund cannot be sent.');
    answer = await gateway.refund({
      paymentIntentId: payment.gatewayRef!,
      amountMinor: data.amountMinor,
      idempotencyKey: `portico-refund-${payment.providerId}-${refund.id}`,
      metadata: { portico_refund_id: String(refund.id), portico_payment_id: String(payment.id) },
    });
  } catch (err) {
    (await ctx.db.update(refunds).set({ status: 'failed' }).where(eq(refunds.id, refund.id)));
    if (err instanceof AppError) throw err;
    ctx.log.error({ err, paymentId: payment.id }, 'gateway refund failed');
    throw new AppError('TEMPORARY', `The payment gateway did not accept the refund: ${(err as Error).message}`);
  }

  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(refunds).set({ status: answer.status, gatewayRefundId: answer.id }).where(eq(refunds.id, refund.id)));
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, payment.invoiceId)))[0]!;
    if (answer.status !== 'failed') {
      // A pending card refund completes at the bank; the gateway has taken it, so the invoice owes it again now.
      (await tx.update(payments).set({ refundedMinor: sql`${payments.refundedMinor} + ${data.amountMinor}` }).where(eq(payments.id, payment.id)));
      const paidMinor = inv.paidMinor - data.amountMinor;
      const updated = (await tx.update(invoices).set({ paidMinor, status: statusAfterRefund(inv, paidMinor), updatedAt: now }).where(eq(invoices.id, inv.id)).returning())[0]!;
      emitFinance(emit, inv, 'payment.refunded', { paymentId: payment.id, invoiceId: inv.id, refundId: refund.id }, true);
      emitInvoice(emit, updated);
    }
    await recordAudit(tx, now, {
      kind: 'payment_refunded',
      providerId: payment.providerId,
      actorUserId: staff.userId,
      ip,
      detail: {
        invoice: invoiceLabel(inv.number),
        amountMinor: data.amountMinor,
        currency: payment.currency,
        status: answer.status,
        refund: answer.id,
        paymentIntent: payment.gatewayRef,
        reason: data.reason || null,
      },
    });
  });
  if (answer.status === 'failed') throw new AppError('CONFLICT', 'The payment gateway declined the refund.');
  return { refundId: refund.id, status: answer.status, amountMinor: data.amountMinor, currency: payment.currency };
}
