import { and, asc, eq } from 'drizzle-orm';
import { recurringInvoices, type TRecurringInvoice } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireFinanceAccess, requireStaff } from '../core/permissions';
import { unitOfWork, type TEmit } from '../core/unit-of-work';
import { companyName, inScope, loadCompanyForStaff, loadRecurring, providerOf } from './access';
import { documentTotals, monthlyEquivalentMinor } from './money';
import {
  ZCompanyFilter,
  ZCreateRecurringInput,
  ZSetRecurringActiveInput,
  ZUpdateRecurringInput,
  type TCreateRecurringInput,
  type TUpdateRecurringInput,
} from './schemas';
import { emitFinance } from './topics';

/** One period's charge as the client pays it: the amount plus its tax (same rounding as an invoice line). */
export const recurringPeriodTotal = (r: Pick<TRecurringInvoice, 'amountMinor' | 'taxRateBp'>) =>
  documentTotals([{ quantityMilli: 1000, unitPriceMinor: r.amountMinor, taxRateBp: r.taxRateBp }]);

export function recurringView(r: TRecurringInvoice, company = '') {
  const { taxMinor, totalMinor } = recurringPeriodTotal(r);
  return {
    id: r.id,
    companyId: r.companyId,
    companyName: company,
    scope: r.scope,
    frequency: r.frequency,
    currency: r.currency,
    amountMinor: r.amountMinor,
    taxRateBp: r.taxRateBp,
    taxMinor,
    totalMinor,
    monthlyMinor: monthlyEquivalentMinor(totalMinor, r.frequency),
    nextBillDate: r.nextBillDate,
    paymentTermsDays: r.paymentTermsDays,
    autoPay: r.autoPay,
    active: r.active,
  };
}

// Clients hear only of subscriptions they can see (active ones) and of one going away.
const emitRecurring = (emit: TEmit, r: TRecurringInvoice, clientSawIt: boolean) =>
  emitFinance(emit, r, 'recurring.changed', { recurringId: r.id, active: r.active }, clientSawIt || r.active);

/** Recurring invoices by next bill date; clients see only active ones. */
export async function listRecurring(ctx: ServiceContext, input?: unknown) {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZCompanyFilter.parse(input) ?? {};
  return (await ctx.db
    .select({ r: recurringInvoices, company: companies.name })
    .from(recurringInvoices)
    .innerJoin(companies, eq(companies.id, recurringInvoices.companyId))
    .where(and(inScope(scope, recurringInvoices, filter.companyId), scope.contact ? eq(recurringInvoices.active, true) : undefined))
    .orderBy(asc(recurringInvoices.nextBillDate), asc(recurringInvoices.id))
    .limit(500))
    .map((x) => recurringView(x.r, x.company));
}

export async function createRecurring(ctx: ServiceContext, input: TCreateRecurringInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const data = ZCreateRecurringInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const company = await loadCompanyForStaff(tx, scope, data.companyId);
    const now = ctx.clock.now();
    const row = (await tx
      .insert(recurringInvoices)
      .values({ ...data, providerId: scope.providerId, companyId: company.id, currency: (await providerOf(tx, scope.providerId)).currency, createdAt: now, updatedAt: now })
      .returning())[0]!;
    emitRecurring(emit, row, false);
    return recurringView(row, company.name);
  });
}

/** Staff change any field; the next run of the scheduler uses the new values. */
export async function updateRecurring(ctx: ServiceContext, input: TUpdateRecurringInput) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { recurringId, ...data } = ZUpdateRecurringInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const before = await loadRecurring(tx, scope, recurringId);
    const row = (await tx.update(recurringInvoices).set({ ...data, updatedAt: ctx.clock.now() }).where(eq(recurringInvoices.id, before.id)).returning())[0]!;
    emitRecurring(emit, row, before.active);
    return recurringView(row, await companyName(tx, row.companyId));
  });
}

/** Staff deactivate (or reactivate) a subscription: no further invoices while inactive. */
export async function setRecurringActive(ctx: ServiceContext, input: unknown) {
  requireStaff(ctx.actor);
  const scope = requireFinanceAccess(ctx.actor);
  const { recurringId, active } = ZSetRecurringActiveInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const before = await loadRecurring(tx, scope, recurringId);
    const row = (await tx.update(recurringInvoices).set({ active, updatedAt: ctx.clock.now() }).where(eq(recurringInvoices.id, before.id)).returning())[0]!;
    emitRecurring(emit, row, before.active);
    return recurringView(row, await companyName(tx, row.companyId));
  });
}
