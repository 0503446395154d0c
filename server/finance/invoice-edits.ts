import { eq } from 'drizzle-orm';
import { invoices, type TInvoice } from '../../db/schema/finance';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, requireStaff } from '../core/permissions';
import { unitOfWork, type TEmit, type TTx } from '../core/unit-of-work';
import { loadCompanyForStaff, loadInvoice, providerOf } from './access';
import { getInvoice } from './invoices';
import { replaceLines, takeNumber } from './lines';
import { invoiceLabel } from './money';
import { ZCreateInvoiceInput, ZInvoiceId, ZUpdateInvoiceInput, type TCreateInvoiceInput, type TLine, type TUpdateInvoiceInput } from './schemas';
import { emitFinance } from './topics';

/** Announces an invoice change; clients hear of it only once it was issued. */
export function emitInvoice(emit: TEmit, inv: TInvoice, clientSawIt = inv.status !== 'draft'): void {
  emitFinance(emit, inv, 'invoice.changed', { invoiceId: inv.id, number: invoiceLabel(inv.number), status: inv.status }, clientSawIt);
}

type TNewInvoice = Omit<typeof invoices.$inferInsert, 'number' | 'currency' | 'createdAt' | 'updatedAt'> & {
  lines: TLine[];
};

/** Inserts an invoice with the provider's next number and currency; totals from the lines. */
export async function insertInvoice(tx: TTx, now: Date, data: TNewInvoice): Promise<TInvoice> {
  const { lines, ...fields } = data;
  const row = (await tx
    .insert(invoices)
    .values({ ...fields, number: await takeNumber(tx, data.providerId, 'invoice'), currency: (await providerOf(tx, data.providerId)).currency, createdAt: now, updatedAt: now })
    .returning())[0]!;
  const totals = await replaceLines(tx, { invoiceId: row.id }, lines);
  return (await tx.update(invoices).set(totals).where(eq(invoices.id, row.id)).returning())[0]!;
}

/** Staff start a draft invoice for a company of their provider. */
export async function createInvoice(ctx: ServiceContext, input: TCreateInvoiceInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZCreateInvoiceInput.parse(input);
  const inv = await unitOfWork(ctx, async (tx, emit) => {
    const company = await loadCompanyForStaff(tx, scope, data.companyId);
    const row = await insertInvoice(tx, ctx.clock.now(), {
      providerId: scope.providerId,
      companyId: company.id,
      status: 'draft',
      issueDate: data.issueDate,
      dueDate: data.dueDate,
      paymentTerms: data.paymentTerms || null,
      notes: data.notes || null,
      lines: data.lines,
    });
    emitInvoice(emit, row);
    return row;
  });
  return await getInvoice(ctx, { invoiceId: inv.id });
}

/** Staff edit a draft: dates, terms, notes and the whole set of lines. */
export async function updateInvoice(ctx: ServiceContext, input: TUpdateInvoiceInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZUpdateInvoiceInput.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const inv = await loadInvoice(tx, scope, data.invoiceId);
    if (inv.status !== 'draft') throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} was issued; only drafts can be edited.`);
    const totals = await replaceLines(tx, { invoiceId: inv.id }, data.lines);
    const row = (await tx
      .update(invoices)
      .set({ ...totals, issueDate: data.issueDate, dueDate: data.dueDate, paymentTerms: data.paymentTerms || null, notes: data.notes || null, updatedAt: ctx.clock.now() })
      .where(eq(invoices.id, inv.id))
      .returning())[0]!;
    emitInvoice(emit, row);
  });
  return await getInvoice(ctx, { invoiceId: data.invoiceId });
}

/** Staff issue a draft: the client sees it from now on (status Unpaid, or Overdue once due). */
export async function issueInvoice(ctx: ServiceContext, input: unknown) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { invoiceId } = ZInvoiceId.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const inv = await loadInvoice(tx, scope, invoiceId);
    if (inv.status !== 'draft') throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} was already issued.`);
    if (inv.totalMinor <= 0) throw new AppError('BAD_INPUT', 'Add line items totalling more than 0 before issuing.', { field: 'lines' });
    const row = (await tx.update(invoices).set({ status: 'sent', updatedAt: ctx.clock.now() }).where(eq(invoices.id, inv.id)).returning())[0]!;
    emitInvoice(emit, row);
  });
  return await getInvoice(ctx, { invoiceId });
}

/** Staff void an invoice nobody has paid toward; it disappears from the client's lists. */
export async function voidInvoice(ctx: ServiceContext, input: unknown) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { invoiceId } = ZInvoiceId.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    const inv = await loadInvoice(tx, scope, invoiceId);
    if (inv.status === 'void') throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} is already void.`);
    if (inv.paidMinor > 0) throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} has payments applied and cannot be voided.`);
    const row = (await tx.update(invoices).set({ status: 'void', updatedAt: ctx.clock.now() }).where(eq(invoices.id, inv.id)).returning())[0]!;
    emitInvoice(emit, row, inv.status !== 'draft');
  });
  return await getInvoice(ctx, { invoiceId });
}
