import { and, desc, eq } from 'drizzle-orm';
import { forUpdate } from '../../db/client';
import { invoices, payments, type TInvoice, type TPayment } from '../../db/schema/finance';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, requireStaff } from '../core/permissions';
import { unitOfWork, type TEmit, type TTx } from '../core/unit-of-work';
import { inScope, loadInvoice } from './access';
import { emitInvoice } from './invoice-edits';
import { paymentView } from './invoices';
import { formatMoney, invoiceLabel, isoDay, statusAfterPayment } from './money';
import { ZCompanyFilter, ZGatewayPaymentInput, ZRecordPaymentInput, type TGatewayPaymentInput, type TRecordPaymentInput } from './schemas';
import { emitFinance } from './topics';
import { isUniqueViolation } from './unique-violation';

type TNewPayment = Pick<TPayment, 'amountMinor' | 'method' | 'reference' | 'paidOn' | 'recordedByStaffId' | 'gateway' | 'gatewayRef'> &
  Partial<Pick<TPayment, 'cardBrand' | 'cardLast4'>>;

/** Applies a payment to an issued invoice: never more than the balance; status follows (partial/paid). */
async function applyPayment(tx: TTx, emit: TEmit, now: Date, loaded: TInvoice, p: TNewPayment): Promise<TPayment> {
  // Read again, locked: a payment applied at the same time is counted, not overwritten (PostgreSQL).
  const inv = (await forUpdate(tx.select().from(invoices).where(eq(invoices.id, loaded.id))))[0]!;
  if (inv.status !== 'sent' && inv.status !== 'partial') {
    const why = inv.status === 'paid' ? 'is already paid' : inv.status === 'void' ? 'is void' : 'has not been issued';
    throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} ${why}; no payment can be applied.`);
  }
  const balance = inv.totalMinor - inv.paidMinor;
  if (p.amountMinor > balance) {
    throw new AppError('BAD_INPUT', `The payment is more than the balance of ${invoiceLabel(inv.number)} (${formatMoney(balance, inv.currency, 'en-US')}).`, { field: 'amountMinor', balanceMinor: balance });
  }
  const row = (await tx
    .insert(payments)
    .values({ ...p, providerId: inv.providerId, companyId: inv.companyId, invoiceId: inv.id, currency: inv.currency, createdAt: now })
    .returning())[0]!;
  const paidMinor = inv.paidMinor + p.amountMinor;
  const updated = (await tx
    .update(invoices)
    .set({ paidMinor, status: statusAfterPayment(inv.totalMinor, paidMinor), updatedAt: now })
    .where(eq(invoices.id, inv.id))
    .returning())[0]!;
  emitFinance(emit, inv, 'payment.recorded', { paymentId: row.id, invoiceId: inv.id }, true);
  emitInvoice(emit, updated);
  return row;
}

/** Staff record a payment received (bank transfer, check, …), full or partial. */
export async function recordPayment(ctx: ServiceContext, input: TRecordPaymentInput) {
  const staff = requireStaff(ctx.actor);
  const scope = requireFinanceAccess(staff);
  const data = ZRecordPaymentInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const inv = await loadInvoice(tx, scope, data.invoiceId);
    const row = await applyPayment(tx, emit, ctx.clock.now(), inv, {
      amountMinor: data.amountMinor,
      method: data.method,
      reference: data.reference || null,
      paidOn: data.paidOn ?? isoDay(ctx.clock.now()),
      recordedByStaffId: staff.staffId,
      gateway: null,
      gatewayRef: null,
    });
    return paymentView(row, inv.number);
  });
}

/**
 * The seam for a card gateway's confirmed payment (a webhook runs it as the system actor).
 * Idempotent on `gatewayRef`: a retried notification returns the payment already applied.
 */
export async function applyGatewayPayment(ctx: ServiceContext, input: TGatewayPaymentInput): Promise<{ payment: Awaited<ReturnType<typeof paymentView>>; duplicate: boolean }> {
  const scope = ctx.actor.kind === 'system' ? null : requireFinanceAccess(requireStaff(ctx.actor));
  const data = ZGatewayPaymentInput.parse(input);
  const existing = async () => {
    const p = (await ctx.db.select().from(payments).where(eq(payments.gatewayRef, data.gatewayRef)))[0];
    if (!p) return null;
    if (p.invoiceId !== data.invoiceId || p.amountMinor !== data.amountMinor) {
      throw new AppError('CONFLICT', 'That gateway payment id was already used for a different payment.');
    }
    const inv = (await ctx.db.select().from(invoices).where(eq(invoices.id, p.invoiceId)))[0]!;
    return { payment: paymentView(p, inv.number), duplicate: true };
  };
  const seen = await existing();
  if (seen) return seen;
  try {
    return await unitOfWork(ctx, async (tx, emit) => {
      const inv = scope ? await loadInvoice(tx, scope, data.invoiceId) : (await tx.select().from(invoices).where(eq(invoices.id, data.invoiceId)))[0];
      if (!inv) throw new AppError('NOT_FOUND', 'Invoice not found.');
      const row = await applyGatewayPaymentInTx(tx, emit, ctx.clock.now(), inv, data);
      return { payment: paymentView(row, inv.number), duplicate: false };
    });
  } catch (err) {
    // Another delivery of the same notification won the race: report its payment.
    if (isUniqueViolation(err, 'gateway_ref')) return (await existing())!;
    throw err;
  }
}

/**
 * The same, inside the caller's transaction (the webhook's, which records the gateway event in
 * it too). The caller has checked that no payment carries `gatewayRef` yet.
 */
export async function applyGatewayPaymentInTx(
  tx: TTx,
  emit: TEmit,
  now: Date,
  inv: TInvoice,
  p: { amountMinor: number; gateway: string; gatewayRef: string; card?: { brand: string; last4: string } | null },
): Promise<TPayment> {
  return await applyPayment(tx, emit, now, inv, {
    amountMinor: p.amountMinor,
    method: 'card',
    reference: null,
    paidOn: isoDay(now),
    recordedByStaffId: null,
    gateway: p.gateway,
    gatewayRef: p.gatewayRef,
    cardBrand: p.card?.brand ?? null,
    cardLast4: p.card?.last4 ?? null,
  });
}

/** Payment history, newest first: date, amount, method, invoice. */
export async function listPayments(ctx: ServiceContext, input?: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZCompanyFilter.parse(input) ?? {};
  return (await ctx.db
    .select({ p: payments, number: invoices.number })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(inScope(scope, payments, filter.companyId)))
    .orderBy(desc(payments.paidOn), desc(payments.id))
    .limit(500))
    .map((r) => paymentView(r.p, r.number));
}
