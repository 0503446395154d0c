import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { invoices, quotes, recurringInvoices } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, requireStaff } from '../core/permissions';
import { inScope, providerOf } from './access';
import { isoDay, monthlyEquivalentMinor, quoteDisplayStatus } from './money';
import { recurringPeriodTotal } from './recurring';
import { ZCompanyFilter } from './schemas';

/**
 * The dashboard's Billing cards (seed 004 §4): Account Balance (what is owed on issued,
 * non-void invoices) and Recurring Monthly (active subscriptions as a per-month total,
 * tax included). Staff get the provider's totals, or one company's.
 */
export async function financeSummary(ctx: ServiceContext, input?: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZCompanyFilter.parse(input) ?? {};
  const today = isoDay(ctx.clock.now());
  const open = (await ctx.db
    .select({ totalMinor: invoices.totalMinor, paidMinor: invoices.paidMinor, dueDate: invoices.dueDate })
    .from(invoices)
    .where(and(inScope(scope, invoices, filter.companyId), inArray(invoices.status, ['sent', 'partial']))));
  const recurring = (await ctx.db
    .select({ amountMinor: recurringInvoices.amountMinor, taxRateBp: recurringInvoices.taxRateBp, frequency: recurringInvoices.frequency })
    .from(recurringInvoices)
    .where(and(inScope(scope, recurringInvoices, filter.companyId), eq(recurringInvoices.active, true))));
  const sentQuotes = (await ctx.db
    .select({ status: quotes.status, expiryDate: quotes.expiryDate })
    .from(quotes)
    .where(and(inScope(scope, quotes, filter.companyId), eq(quotes.status, 'sent'))));
  const overdue = open.filter((i) => i.dueDate < today && i.totalMinor > i.paidMinor);
  return {
    currency: (await providerOf(ctx.db, scope.providerId)).currency,
    accountBalanceMinor: open.reduce((sum, i) => sum + i.totalMinor - i.paidMinor, 0),
    overdueCount: overdue.length,
    overdueMinor: overdue.reduce((sum, i) => sum + i.totalMinor - i.paidMinor, 0),
    recurringMonthlyMinor: recurring.reduce((sum, r) => sum + monthlyEquivalentMinor(recurringPeriodTotal(r).totalMinor, r.frequency), 0),
    quotesAwaitingDecision: sentQuotes.filter((q) => quoteDisplayStatus(q, today) === 'sent').length,
  };
}

/** Staff: the provider's companies to pick from on the Billing pages. */
export async function listBillingCompanies(ctx: ServiceContext) {
  const staff = requireStaff(ctx.actor);
  return (await ctx.db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.providerId, staff.providerId), isNull(companies.archivedAt)))
    .orderBy(asc(companies.name)));
}
