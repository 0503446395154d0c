import { and, desc, eq, isNull, lt, lte } from 'drizzle-orm';
import { forUpdate } from '../../db/client';
import { invoices, recurringInvoices, type TInvoice, type TRecurringInvoice } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { emitInvoice, insertInvoice } from './invoice-edits';
import { addDays, isoDay, nextBillDate } from './money';
import { emitFinance } from './topics';
import { isUniqueViolation } from './unique-violation';

/** Periods one run may bill per subscription, so a long outage catches up without one huge run. */
const MAX_CATCH_UP = 36;

const termsText = (days: number) => (days === 0 ? 'Due on receipt' : `Net ${days} days`);

/** The last period billed before `period`: its day anchors month-end schedules (31st → Feb 28 → Mar 31). */
async function previousPeriod(tx: TTx, recurringId: number, period: string): Promise<string | null> {
  return (
    (await tx
      .select({ p: invoices.recurringPeriod })
      .from(invoices)
      .where(and(eq(invoices.recurringInvoiceId, recurringId), lt(invoices.recurringPeriod, period)))
      .orderBy(desc(invoices.recurringPeriod))
      .limit(1))[0]?.p ?? null
  );
}

/**
 * Called inside the transaction that issues an invoice, for work that must be written with it
 * (auto-pay's first attempt): the composition root passes payments' hook, so finance does not
 * depend on payments.
 */
export type TInvoiceIssuedHook = (tx: TTx, now: Date, invoice: TInvoice, recurring: TRecurringInvoice) => Promise<void> | void;

/** Bills one due period of one subscription and moves its next bill date on. */
async function billOnePeriod(ctx: ServiceContext, recurringId: number, today: string, onIssued?: TInvoiceIssuedHook): Promise<'issued' | 'already-issued' | 'not-due'> {
  return await unitOfWork(ctx, async (tx, emit) => {
    // Locked: a run at the same time waits, then finds the date moved on.
    const r: TRecurringInvoice | undefined = (await forUpdate(tx.select().from(recurringInvoices).where(eq(recurringInvoices.id, recurringId))))[0];
    if (!r || !r.active || r.nextBillDate > today) return 'not-due';
    const period = r.nextBillDate;
    const next = nextBillDate(period, r.frequency, await previousPeriod(tx, r.id, period));
    const now = ctx.clock.now();
    let issued = true;
    try {
      // A savepoint: if this period was billed before (a run that stopped before moving the
      // date on), the unique (recurring, period) index refuses the copy and we only advance.
      await tx.transaction(async (sp) => {
        const inv = await insertInvoice(sp, now, {
          providerId: r.providerId,
          companyId: r.companyId,
          status: 'sent',
          issueDate: period,
          dueDate: addDays(period, r.paymentTermsDays),
          paymentTerms: termsText(r.paymentTermsDays),
          recurringInvoiceId: r.id,
          recurringPeriod: period,
          lines: [{ description: `${r.scope} (${period} to ${addDays(next, -1)})`, quantityMilli: 1000, unitPriceMinor: r.amountMinor, taxRateBp: r.taxRateBp }],
        });
        emitInvoice(emit, inv);
        await onIssued?.(sp, now, inv, r);
      });
    } catch (err) {
      if (!isUniqueViolation(err, 'recurring_period')) throw err;
      issued = false;
    }
    (await tx.update(recurringInvoices).set({ nextBillDate: next, updatedAt: now }).where(eq(recurringInvoices.id, r.id)));
    emitFinance(emit, r, 'recurring.changed', { recurringId: r.id, active: true, nextBillDate: next }, true);
    return issued ? 'issued' : 'already-issued';
  });
}

/**
 * Issues an invoice for every active recurring invoice whose next bill date is today or
 * earlier (UTC calendar day of the service clock), one per period, and advances the date by
 * its frequency. Safe to run again at any time: a period is never billed twice.
 */
export async function issueDueRecurringInvoices(ctx: ServiceContext, onIssued?: TInvoiceIssuedHook): Promise<{ issued: number; alreadyIssued: number }> {
  if (ctx.actor.kind !== 'system') throw new AppError('FORBIDDEN', 'Recurring invoices are issued by the scheduler.');
  const today = isoDay(ctx.clock.now());
  const due = (await ctx.db
    .select({ id: recurringInvoices.id })
    .from(recurringInvoices)
    .innerJoin(companies, eq(companies.id, recurringInvoices.companyId))
    .where(and(eq(recurringInvoices.active, true), lte(recurringInvoices.nextBillDate, today), isNull(companies.archivedAt))));
  const result = { issued: 0, alreadyIssued: 0 };
  for (const { id } of due) {
    for (let i = 0; i < MAX_CATCH_UP; i++) {
      const outcome = await billOnePeriod(ctx, id, today, onIssued);
      if (outcome === 'not-due') break;
      if (outcome === 'issued') result.issued++;
      else result.alreadyIssued++;
    }
  }
  return result;
}
