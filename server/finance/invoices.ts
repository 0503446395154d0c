import { and, asc, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { invoiceLines, invoices, payments, type TInvoice } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess } from '../core/permissions';
import { companyName, inScope, loadInvoice, providerOf } from './access';
import { invoiceDisplayStatus, invoiceLabel, isoDay } from './money';
import { ZInvoiceId, ZListInvoicesInput, type TListInvoicesInput } from './schemas';

const LIST_LIMIT = 500;

export function invoiceSummary(inv: TInvoice, today: string, company?: string) {
  return {
    id: inv.id,
    number: invoiceLabel(inv.number),
    companyId: inv.companyId,
    companyName: company ?? '',
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    currency: inv.currency,
    totalMinor: inv.totalMinor,
    paidMinor: inv.paidMinor,
    balanceMinor: inv.status === 'void' ? 0 : inv.totalMinor - inv.paidMinor,
    status: invoiceDisplayStatus(inv, today),
    recurring: inv.recurringInvoiceId !== null,
  };
}
export type TInvoiceSummary = Awaited<ReturnType<typeof invoiceSummary>>;

/** The display-status filter in SQL, so "Overdue" is decided by the same rule as invoiceDisplayStatus. */
function statusWhere(filter: NonNullable<TListInvoicesInput['status']>, today: string): SQL | undefined {
  const issued = inArray(invoices.status, ['sent', 'partial']);
  switch (filter) {
    case 'overdue':
      return and(issued, lt(invoices.dueDate, today));
    case 'unpaid':
      return and(eq(invoices.status, 'sent'), gte(invoices.dueDate, today));
    case 'partial':
      return and(eq(invoices.status, 'partial'), gte(invoices.dueDate, today));
    case 'paid':
    case 'draft':
    case 'void':
      return eq(invoices.status, filter);
    default:
      return undefined;
  }
}

/** Invoices, newest first. Contacts: their company's issued invoices; staff: the provider's, optionally one company. */
export async function listInvoices(ctx: ServiceContext, input: TListInvoicesInput = {}) {
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZListInvoicesInput.parse(input);
  const today = isoDay(ctx.clock.now());
  const clientVisible = scope.contact ? inArray(invoices.status, ['sent', 'partial', 'paid']) : undefined;
  const rows = (await ctx.db
    .select({ inv: invoices, company: companies.name })
    .from(invoices)
    .innerJoin(companies, eq(companies.id, invoices.companyId))
    .where(and(inScope(scope, invoices, data.companyId), clientVisible, statusWhere(data.status, today)))
    .orderBy(desc(invoices.issueDate), desc(invoices.number))
    .limit(LIST_LIMIT));
  return rows.map((r) => invoiceSummary(r.inv, today, r.company));
}

export function paymentView(p: typeof payments.$inferSelect, invoiceNumber: number) {
  return {
    id: p.id,
    invoiceId: p.invoiceId,
    invoiceNumber: invoiceLabel(invoiceNumber),
    companyId: p.companyId,
    paidOn: p.paidOn,
    amountMinor: p.amountMinor,
    currency: p.currency,
    method: p.method,
    reference: p.reference,
    /** Card payments: "Visa •••• 4242". */
    cardBrand: p.cardBrand,
    cardLast4: p.cardLast4,
    refundedMinor: p.refundedMinor,
    /** Whether it came through the card gateway (then staff may refund it there). */
    viaGateway: p.gateway !== null,
  };
}

/** One invoice with its lines and the payments applied. */
export async function getInvoice(ctx: ServiceContext, input: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const { invoiceId } = ZInvoiceId.parse(input);
  const inv = await loadInvoice(ctx.db, scope, invoiceId);
  const today = isoDay(ctx.clock.now());
  const lines = (await ctx.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id)).orderBy(asc(invoiceLines.position)));
  const paid = (await ctx.db.select().from(payments).where(eq(payments.invoiceId, inv.id)).orderBy(asc(payments.paidOn), asc(payments.id)));
  return {
    ...invoiceSummary(inv, today, await companyName(ctx.db, inv.companyId)),
    storedStatus: inv.status,
    providerId: inv.providerId,
    providerName: (await providerOf(ctx.db, inv.providerId)).name,
    paymentTerms: inv.paymentTerms,
    notes: inv.notes,
    subtotalMinor: inv.subtotalMinor,
    taxMinor: inv.taxMinor,
    lines: lines.map((l) => ({
      id: l.id,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceMinor: l.unitPriceMinor,
      taxRateBp: l.taxRateBp,
      lineTotalMinor: l.lineTotalMinor,
    })),
    payments: paid.map((p) => paymentView(p, inv.number)),
  };
}
export type TInvoiceDetail = Awaited<ReturnType<typeof getInvoice>>;
