import { and, eq } from 'drizzle-orm';
import { actorForAccount } from '../auth/accounts';
import { withActor, type ServiceContext } from '../core/context';
import { createInvoice, issueInvoice } from '../finance/invoice-edits';
import { addDays, isoDay } from '../finance/money';
import { recordPayment } from '../finance/payments';
import { createQuote, sendQuote } from '../finance/quote-edits';
import { createRecurring } from '../finance/recurring';
import { companies, providers, staffMembers, users } from '../../db/schema/people';
import { mapInOrder } from '../core/in-order';

export interface TSeededFinance {
  companyId: number;
  invoices: { paid: number; partial: number; overdue: number };
  quotes: { sent: number; draft: number };
  recurringId: number;
}

/**
 * Demo finance data for both demo companies, through the services as the demo admin (so
 * numbers, totals, statuses and events are real): a paid, a part-paid and an overdue
 * invoice with their payments, a sent and a draft quote, and one recurring invoice.
 * Dates are relative to the service clock, so "overdue" stays overdue on any day.
 */
export async function seedFinance(base: ServiceContext): Promise<TSeededFinance[]> {
  const provider = (await base.db.select().from(providers).where(eq(providers.identifier, 'demo-msp')))[0];
  const adminUser = (await base.db.select().from(users).where(eq(users.email, 'admin@demo-msp.test')))[0];
  if (!provider || !adminUser) throw new Error('seedFinance: run seedDemo first');
  const staff = (await base.db.select().from(staffMembers).where(and(eq(staffMembers.userId, adminUser.id), eq(staffMembers.providerId, provider.id))))[0]!;
  const actor = await actorForAccount(base.db, adminUser, { kind: 'staff', id: staff.id });
  if (!actor) throw new Error('seedFinance: demo admin not usable');
  const ctx = withActor(base, actor);
  const today = isoDay(ctx.clock.now());
  const day = (offset: number) => addDays(today, offset);

  const demo = [
    { name: 'Acme Dental', seats: 25, frequency: 'monthly' as const, autoPay: true },
    { name: 'Northwind Logistics', seats: 40, frequency: 'quarterly' as const, autoPay: false },
  ];
  return mapInOrder(demo, async (d) => {
    const company = (await base.db.select().from(companies).where(and(eq(companies.providerId, provider.id), eq(companies.name, d.name))))[0];
    if (!company) throw new Error(`seedFinance: no company ${d.name}`);
    const companyId = company.id;
    const managed = { description: `Managed services, ${d.seats} seats`, quantityMilli: d.seats * 1000, unitPriceMinor: 4500, taxRateBp: 825 };
    const issued = async (issueDate: string, dueDate: string, lines: (typeof managed)[]) => {
      const inv = await createInvoice(ctx, { companyId, issueDate, dueDate, paymentTerms: 'Net 30 days', lines });
      return await issueInvoice(ctx, { invoiceId: inv.id });
    };

    const paid = await issued(day(-62), day(-32), [managed]);
    await recordPayment(ctx, { invoiceId: paid.id, amountMinor: paid.totalMinor, method: 'bank_transfer', reference: 'ACH 20931', paidOn: day(-35) });

    const partial = await issued(day(-10), day(20), [
      managed,
      { description: 'On-site visit: new starter laptop setup', quantityMilli: 2500, unitPriceMinor: 9500, taxRateBp: 0 },
    ]);
    await recordPayment(ctx, { invoiceId: partial.id, amountMinor: Math.round(partial.totalMinor / 2), method: 'check', reference: 'Check 1187', paidOn: day(-3) });

    const overdue = await issued(day(-45), day(-15), [
      { description: 'Replacement switch (24-port, PoE)', quantityMilli: 1000, unitPriceMinor: 42900, taxRateBp: 825 },
      { description: 'Installation and configuration', quantityMilli: 1500, unitPriceMinor: 9500, taxRateBp: 0 },
    ]);

    const sent = await createQuote(ctx, {
      companyId,
      title: 'Firewall replacement',
      issueDate: day(-2),
      expiryDate: day(28),
      notes: 'Includes one year of threat-protection updates.',
      lines: [
        { description: 'Next-generation firewall appliance', quantityMilli: 1000, unitPriceMinor: 189900, taxRateBp: 825 },
        { description: 'Installation and policy migration', quantityMilli: 4000, unitPriceMinor: 9500, taxRateBp: 0 },
      ],
    });
    await sendQuote(ctx, { quoteId: sent.id });
    const draft = await createQuote(ctx, {
      companyId,
      title: 'Microsoft 365 migration',
      issueDate: today,
      expiryDate: day(30),
      lines: [{ description: 'Mailbox migration', quantityMilli: d.seats * 1000, unitPriceMinor: 3500, taxRateBp: 0 }],
    });

    // The first bill date of next month, so the scheduler has nothing to do today.
    const recurring = await createRecurring(ctx, {
      companyId,
      scope: `Managed services and monitoring, ${d.seats} seats`,
      frequency: d.frequency,
      amountMinor: d.seats * 4500 * (d.frequency === 'quarterly' ? 3 : 1),
      taxRateBp: 825,
      nextBillDate: `${addDays(`${today.slice(0, 8)}28`, 7).slice(0, 8)}01`,
      paymentTermsDays: 30,
      autoPay: d.autoPay,
    });
    return { companyId, invoices: { paid: paid.id, partial: partial.id, overdue: overdue.id }, quotes: { sent: sent.id, draft: draft.id }, recurringId: recurring.id };
  });
}
