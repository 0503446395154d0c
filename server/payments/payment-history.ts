import { and, desc, eq } from 'drizzle-orm';
import { invoices, payments } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, type TFinanceScope } from '../core/permissions';
import { inScope } from '../finance/access';
import { invoiceLabel } from '../finance/money';
import { failedAutopayRows, type TFailedAutopayRow } from './autopay-history';
import { cardLabel } from './card-label';
import { ZPaymentHistoryInput } from './schemas';

/*
 * Payment history (seed 004 §17): date, amount, method, invoice and status, for the client's
 * Finance page and the staff console. One list from several sources: each source returns rows
 * of its own `kind` (payments applied here; auto-pay attempts that failed can be another).
 */

export type TPaymentStatus = 'completed' | 'partially_refunded' | 'refunded';

/** A payment applied to an invoice (by staff, by Pay Now, by auto-pay). */
export interface TPaymentRow {
  kind: 'payment';
  /** Unique across kinds, for lists. */
  key: string;
  id: number;
  /** Calendar day 'YYYY-MM-DD'. */
  date: string;
  /** For ordering rows of one day (ms). */
  at: number;
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  method: string;
  /** "Visa •••• 4242" for cards, else the method's words. */
  methodLabel: string;
  invoiceId: number;
  invoiceNumber: string;
  companyId: number;
  companyName: string;
  reference: string | null;
  status: TPaymentStatus;
  /** Staff may refund what is left of it through the gateway. */
  refundable: boolean;
}

/** Other kinds join this union (each with `kind`, `key`, `date`, `at`, `invoiceId`, `invoiceNumber`, `companyId`). */
export type TPaymentHistoryRow = TPaymentRow | TFailedAutopayRow;

export type THistoryFilter = { companyId?: number; invoiceId?: number };
export type THistorySource = (ctx: ServiceContext, scope: TFinanceScope, filter: THistoryFilter) => Promise<TPaymentHistoryRow[]>;

const METHOD_WORDS: Record<string, string> = { card: 'Card', bank_transfer: 'Bank transfer', check: 'Check', cash: 'Cash', other: 'Other' };
const LIMIT = 500;

const paymentRows: THistorySource = async (ctx, scope, filter) =>
  (await ctx.db
    .select({ p: payments, number: invoices.number, company: companies.name })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .innerJoin(companies, eq(companies.id, payments.companyId))
    .where(and(inScope(scope, payments, filter.companyId), filter.invoiceId ? eq(payments.invoiceId, filter.invoiceId) : undefined))
    .orderBy(desc(payments.paidOn), desc(payments.id))
    .limit(LIMIT))
    .map(({ p, number, company }) => ({
      kind: 'payment' as const,
      key: `payment-${p.id}`,
      id: p.id,
      date: p.paidOn,
      at: p.createdAt.getTime(),
      amountMinor: p.amountMinor,
      refundedMinor: p.refundedMinor,
      currency: p.currency,
      method: p.method,
      methodLabel: p.cardBrand && p.cardLast4 ? cardLabel(p.cardBrand, p.cardLast4) : (METHOD_WORDS[p.method] ?? p.method),
      invoiceId: p.invoiceId,
      invoiceNumber: invoiceLabel(number),
      companyId: p.companyId,
      companyName: company,
      reference: p.reference,
      status: p.refundedMinor <= 0 ? 'completed' : p.refundedMinor >= p.amountMinor ? 'refunded' : 'partially_refunded',
      refundable: scope.staff !== null && p.gatewayRef !== null && p.refundedMinor < p.amountMinor,
    }));

/** Where the history's rows come from; a new kind of row adds its source here. */
export const HISTORY_SOURCES: THistorySource[] = [paymentRows, failedAutopayRows];

/** The payment history the caller may see, newest first (contacts: their company; staff: their provider, or one company). */
export async function paymentHistory(ctx: ServiceContext, input?: unknown): Promise<TPaymentHistoryRow[]> {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZPaymentHistoryInput.parse(input) ?? {};
  const rows: TPaymentHistoryRow[] = [];
  for (const source of HISTORY_SOURCES) rows.push(...(await source(ctx, scope, filter)));
  return rows
    .sort((a, b) => (a.date === b.date ? b.at - a.at : a.date < b.date ? 1 : -1))
    .slice(0, LIMIT);
}
