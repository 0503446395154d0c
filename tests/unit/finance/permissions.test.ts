import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFinance, type TSeededFinance } from '../../../server/seed/demo-finance';
import { seedDemo } from '../../../server/seed/demo-people';
import { system } from '../../../server/core/actor';
import { isAppError } from '../../../server/core/app-error';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { followFinance } from '../../../server/finance/finance-stream';
import { createInvoice, issueInvoice, updateInvoice, voidInvoice } from '../../../server/finance/invoice-edits';
import { renderInvoicePdf } from '../../../server/finance/invoice-pdf';
import { getInvoice, listInvoices } from '../../../server/finance/invoices';
import { applyGatewayPayment, listPayments, recordPayment } from '../../../server/finance/payments';
import { createQuote, decideQuote, sendQuote, updateQuote } from '../../../server/finance/quote-edits';
import { getQuote, listQuotes } from '../../../server/finance/quotes';
import { createRecurring, listRecurring, setRecurringActive, updateRecurring } from '../../../server/finance/recurring';
import { issueDueRecurringInvoices } from '../../../server/finance/recurring-scheduler';
import { financeSummary, listBillingCompanies } from '../../../server/finance/summary';
import { createCompany } from '../../../server/people/create-company';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * Every finance service × every kind of caller. Targets are Acme Dental's documents: who
 * may see them sees them, everyone else is refused (FORBIDDEN) or told they do not exist
 * (NOT_FOUND), and no list ever carries another company's rows.
 */

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let acme: TSeededFinance;
let northwind: TSeededFinance;
let admin: ServiceContext;
let globex: number;

beforeAll(async () => {
  const f = await freshContext();
  ({ ctx: base, cleanup } = f);
  await seedDemo(base);
  [acme, northwind] = await seedFinance(base) as [TSeededFinance, TSeededFinance];
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  // A second provider with its own staff, company and invoice.
  const sys = withActor(base, system);
  const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp', currency: 'EUR' });
  await createStaffMember(sys, other.id, { name: 'Olive Other', email: 'admin@other-msp.test', role: 'admin' });
  const otherAdmin = await asDemoUser(base, 'admin@other-msp.test');
  globex = (await createCompany(otherAdmin, { name: 'Globex', emailDomains: ['globex.test'] })).id;
  const inv = await createInvoice(otherAdmin, { companyId: globex, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [line()] });
  await issueInvoice(otherAdmin, { invoiceId: inv.id });
  await recordPayment(otherAdmin, { invoiceId: inv.id, amountMinor: 500, method: 'cash' });
  await sendQuote(otherAdmin, { quoteId: (await createQuote(otherAdmin, { companyId: globex, title: 'Q', ...quoteDates, lines: [line()] })).id });
  await createRecurring(otherAdmin, { companyId: globex, ...recurringInput });
});
afterAll(() => cleanup());

const line = () => ({ description: 'Work', quantityMilli: 1000, unitPriceMinor: 10_000, taxRateBp: 0 });
const dates = { issueDate: '2026-11-01', dueDate: '2026-11-30' };
const quoteDates = { issueDate: '2026-11-01', expiryDate: '2026-11-30' };
const recurringInput = { scope: 'Monitoring', frequency: 'monthly' as const, amountMinor: 5000, nextBillDate: '2026-12-01' };

// Fresh Acme documents made by the demo admin, so each state-changing call has its own.
const draftInvoice = async () => (await createInvoice(admin, { companyId: acme.companyId, ...dates, lines: [line()] })).id;
const issuedInvoice = async () => (await issueInvoice(admin, { invoiceId: await draftInvoice() })).id;
const draftQuote = async () => (await createQuote(admin, { companyId: acme.companyId, title: 'Q', ...quoteDates, lines: [line()] })).id;
const sentQuote = async () => (await sendQuote(admin, { quoteId: await draftQuote() })).id;
const recurring = async () => (await createRecurring(admin, { companyId: acme.companyId, ...recurringInput })).id;
let ref = 0;

type TKind = 'list' | 'read' | 'staff' | 'client' | 'system';
const services: Record<string, { kind: TKind; call: (ctx: ServiceContext) => unknown }> = {
  financeSummary: { kind: 'list', call: async (c) => await financeSummary(c) },
  listInvoices: { kind: 'list', call: async (c) => await listInvoices(c, { status: 'all' }) },
  listQuotes: { kind: 'list', call: async (c) => await listQuotes(c) },
  listRecurring: { kind: 'list', call: async (c) => await listRecurring(c) },
  listPayments: { kind: 'list', call: async (c) => await listPayments(c) },
  followFinance: { kind: 'list', call: (c) => followFinance(c) },
  getInvoice: { kind: 'read', call: async (c) => await getInvoice(c, { invoiceId: acme.invoices.partial }) },
  getQuote: { kind: 'read', call: async (c) => await getQuote(c, { quoteId: acme.quotes.sent }) },
  renderInvoicePdf: { kind: 'read', call: (c) => renderInvoicePdf(c, { invoiceId: acme.invoices.overdue }) },
  decideQuote: { kind: 'client', call: async (c) => await decideQuote(c, { quoteId: await sentQuote(), decision: 'accept', comment: 'ok' }) },
  listBillingCompanies: { kind: 'staff', call: async (c) => await listBillingCompanies(c) },
  createInvoice: { kind: 'staff', call: async (c) => await createInvoice(c, { companyId: acme.companyId, ...dates, lines: [line()] }) },
  updateInvoice: { kind: 'staff', call: async (c) => await updateInvoice(c, { invoiceId: await draftInvoice(), ...dates, lines: [line(), line()] }) },
  issueInvoice: { kind: 'staff', call: async (c) => await issueInvoice(c, { invoiceId: await draftInvoice() }) },
  voidInvoice: { kind: 'staff', call: async (c) => await voidInvoice(c, { invoiceId: await issuedInvoice() }) },
  recordPayment: { kind: 'staff', call: async (c) => await recordPayment(c, { invoiceId: await issuedInvoice(), amountMinor: 100, method: 'cash' }) },
  applyGatewayPayment: { kind: 'staff', call: async (c) => await applyGatewayPayment(c, { invoiceId: await issuedInvoice(), amountMinor: 100, gateway: 'test', gatewayRef: `ref-${++ref}` }) },
  createQuote: { kind: 'staff', call: async (c) => await createQuote(c, { companyId: acme.companyId, title: 'Q', ...quoteDates, lines: [line()] }) },
  updateQuote: { kind: 'staff', call: async (c) => await updateQuote(c, { quoteId: await draftQuote(), title: 'Q2', ...quoteDates, lines: [line()] }) },
  sendQuote: { kind: 'staff', call: async (c) => await sendQuote(c, { quoteId: await draftQuote() }) },
  createRecurring: { kind: 'staff', call: async (c) => await createRecurring(c, { companyId: acme.companyId, ...recurringInput }) },
  updateRecurring: { kind: 'staff', call: async (c) => await updateRecurring(c, { recurringId: await recurring(), ...recurringInput, amountMinor: 6000 }) },
  setRecurringActive: { kind: 'staff', call: async (c) => await setRecurringActive(c, { recurringId: await recurring(), active: false }) },
  issueDueRecurringInvoices: { kind: 'system', call: async (c) => await issueDueRecurringInvoices(c) },
};

type TOutcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
type TCaller = { email: string; sees: () => number[]; expect: (k: TKind) => TOutcome };
const callers: Record<string, TCaller> = {
  'standard (Acme)': { email: 'standard@acme-dental.test', sees: () => [], expect: () => 'FORBIDDEN' },
  'technical (Acme)': { email: 'technical@acme-dental.test', sees: () => [], expect: () => 'FORBIDDEN' },
  'billing (Acme)': { email: 'billing@acme-dental.test', sees: () => [acme.companyId], expect: (k) => (k === 'staff' || k === 'system' ? 'FORBIDDEN' : 'ok') },
  'primary (Acme)': { email: 'primary@acme-dental.test', sees: () => [acme.companyId], expect: (k) => (k === 'staff' || k === 'system' ? 'FORBIDDEN' : 'ok') },
  'billing (Northwind)': {
    email: 'billing@northwind.test',
    sees: () => [northwind.companyId],
    expect: (k) => (k === 'list' ? 'ok' : k === 'read' || k === 'client' ? 'NOT_FOUND' : 'FORBIDDEN'),
  },
  technician: { email: 'tech@demo-msp.test', sees: () => [acme.companyId, northwind.companyId], expect: (k) => (k === 'client' || k === 'system' ? 'FORBIDDEN' : 'ok') },
  admin: { email: 'admin@demo-msp.test', sees: () => [acme.companyId, northwind.companyId], expect: (k) => (k === 'client' || k === 'system' ? 'FORBIDDEN' : 'ok') },
  'staff of another provider': {
    email: 'admin@other-msp.test',
    sees: () => [globex],
    // Their company list is their own provider's; everything of Acme does not exist for them.
    expect: (k) => (k === 'list' ? 'ok' : k === 'client' || k === 'system' ? 'FORBIDDEN' : 'NOT_FOUND'),
  },
};

async function outcome(run: () => unknown): Promise<{ outcome: TOutcome | string; value?: unknown }> {
  try {
    const value = await run();
    return { outcome: 'ok', value };
  } catch (err) {
    return { outcome: isAppError(err) ? err.code : String(err) };
  }
}

/** Company ids in whatever a service returned (lists, details, views). */
function companyIdsIn(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(companyIdsIn);
  if (value && typeof value === 'object' && 'companyId' in value) return [Number((value as { companyId: unknown }).companyId)];
  return [];
}

describe('finance permission matrix', () => {
  for (const [who, caller] of Object.entries(callers)) {
    for (const [name, svc] of Object.entries(services)) {
      const expected = name === 'listBillingCompanies' && who === 'staff of another provider' ? 'ok' : caller.expect(svc.kind);
      it(`${name} × ${who} → ${expected}`, async () => {
        const ctx = await asDemoUser(base, caller.email);
        const got = await outcome(() => svc.call(ctx));
        expect(got.outcome).toBe(expected);
        if (got.outcome !== 'ok') return;
        if (name === 'followFinance') return void (await (got.value as AsyncGenerator).return(undefined));
        // Nothing outside the caller's companies, ever.
        const ids = name === 'listBillingCompanies' ? (got.value as { id: number }[]).map((c) => c.id) : companyIdsIn(got.value);
        for (const id of ids) expect(caller.sees()).toContain(id);
        if (svc.kind === 'list' && name !== 'financeSummary') expect(ids.length).toBeGreaterThan(0);
      });
    }
  }

  it('lets the system actor run the scheduler and the gateway seam', async () => {
    const sys = withActor(base, system);
    expect(await issueDueRecurringInvoices(sys)).toEqual({ issued: 0, alreadyIssued: 0 });
    expect((await applyGatewayPayment(sys, { invoiceId: await issuedInvoice(), amountMinor: 100, gateway: 'test', gatewayRef: 'sys-1' })).duplicate).toBe(false);
    expect((await outcome(async () => await listInvoices(sys))).outcome).toBe('FORBIDDEN');
    expect((await outcome(async () => await listInvoices(base))).outcome).toBe('UNAUTHENTICATED');
  });

  it('gives Northwind nothing of Acme even by id', async () => {
    const nw = await asDemoUser(base, 'billing@northwind.test');
    for (const id of Object.values(acme.invoices)) await expect(getInvoice(nw, { invoiceId: id })).rejects.toThrow(/Invoice not found/);
    await expect(getQuote(nw, { quoteId: acme.quotes.sent })).rejects.toThrow(/Quote not found/);
    expect((await listInvoices(nw, { companyId: acme.companyId })).every((i) => i.companyId === northwind.companyId)).toBe(true);
    // Clients never see drafts, even of their own company.
    await expect(getQuote(await asDemoUser(base, 'primary@acme-dental.test'), { quoteId: acme.quotes.draft })).rejects.toThrow(/Quote not found/);
  });
});
