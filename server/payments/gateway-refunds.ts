import { and, eq, inArray, sql } from 'drizzle-orm';
import { invoices, payments } from '../../db/schema/finance';
import { refunds } from '../../db/schema/payments';
import { recordAudit } from '../audit/record-audit';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { emitInvoice } from '../finance/invoice-edits';
import { invoiceLabel } from '../finance/money';
import { emitFinance } from '../finance/topics';
import type { TGatewayEvent } from './gateway';
import { claimGatewayEvent } from './gateway-events';
import { statusAfterRefund } from './refund-payment';

/*
 * `charge.refunded`: money sent back outside the portal (the Stripe dashboard, a dispute
 * settled by refund). The charge carries the total refunded so far; only what we do not know
 * of yet is applied. Refunds made in the portal are reserved before the gateway is asked, so
 * their own event adds nothing.
 */

export type TRefundReconciled = { applied: number } | { ignored: string } | { duplicate: true };

export async function reconcileGatewayRefund(ctx: ServiceContext, providerId: number, event: TGatewayEvent): Promise<TRefundReconciled> {
  const charge = event.object;
  const pi = charge.payment_intent;
  const paymentIntentId = typeof pi === 'string' ? pi : pi && typeof pi === 'object' ? String((pi as { id?: unknown }).id ?? '') : '';
  const refundedTotal = Number(charge.amount_refunded);
  if (!paymentIntentId || !Number.isInteger(refundedTotal) || refundedTotal < 0) return { ignored: 'not a refund we can read' };
  const now = ctx.clock.now();
  return await unitOfWork(ctx, async (tx, emit): Promise<TRefundReconciled> => {
    const p = (await tx.select().from(payments).where(and(eq(payments.gatewayRef, paymentIntentId), eq(payments.providerId, providerId))))[0];
    if (!p) return { ignored: 'not a payment of this portal' };
    if (!await claimGatewayEvent(tx, { id: event.id, type: event.type, providerId, receivedAt: now })) return { duplicate: true };
    const claimed = (await tx
      .select({ total: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(Number) })
      .from(refunds)
      .where(and(eq(refunds.paymentId, p.id), inArray(refunds.status, ['pending', 'succeeded']))))[0]!.total;
    const delta = Math.min(refundedTotal, p.amountMinor) - Math.max(claimed, p.refundedMinor);
    if (delta <= 0) return { applied: 0 };
    (await tx.insert(refunds).values({ providerId, paymentId: p.id, amountMinor: delta, status: 'succeeded', reason: 'Refunded at the payment gateway', createdAt: now }));
    (await tx.update(payments).set({ refundedMinor: sql`${payments.refundedMinor} + ${delta}` }).where(eq(payments.id, p.id)));
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, p.invoiceId)))[0]!;
    const paidMinor = inv.paidMinor - delta;
    const updated = (await tx.update(invoices).set({ paidMinor, status: statusAfterRefund(inv, paidMinor), updatedAt: now }).where(eq(invoices.id, inv.id)).returning())[0]!;
    emitFinance(emit, inv, 'payment.refunded', { paymentId: p.id, invoiceId: inv.id }, true);
    emitInvoice(emit, updated);
    await recordAudit(tx, now, {
      kind: 'payment_refunded',
      providerId,
      detail: { invoice: invoiceLabel(inv.number), amountMinor: delta, currency: p.currency, status: 'succeeded', source: 'gateway', event: event.id, paymentIntent: paymentIntentId },
    });
    return { applied: delta };
  });
}
