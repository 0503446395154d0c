import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFinance, type TSeededFinance } from '../../../server/seed/demo-finance';
import { seedDemo } from '../../../server/seed/demo-people';
import { invoices, payments, recurringInvoices } from '../../../db/schema/finance';
import { providers } from '../../../db/schema/people';
import { system } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createInvoice, issueInvoice, updateInvoice, voidInvoice } from '../../../server/finance/invoice-edits';
import { renderInvoicePdf } from '../../../server/finance/invoice-pdf';
import { getInvoice, listInvoices } from '../../../server/finance/invoices';
import { applyGatewayPayment, recordPayment } from '../../../server/finance/payments';
import { createQuote, decideQuote, sendQuote } from '../../../server/finance/quote-edits';
import { getQuote } from '../../../server/finance/quotes';
import { createRecurring, setRecurringActive } from '../../../server/finance/recurring';
import { issueDueRecurringInvoices } from '../../../server/finance/recurring-scheduler';
import { financeSummary } from '../../../server/finance/summary';
import { companyFinanceTopic, staffFinanceTopic } from '../../../server/finance/topics';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let seeded: TSeededFinance[];
let admin: ServiceContext;
let acme: number;

beforeAll(async () => {
  const f = await freshContext(new Date('2026-11-01T09:00:00Z'));
  ({ ctx: base, clock, cleanup } = f);
  await seedDemo(base);
  seeded = await seedFinance(base);
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  acme = seeded[0]!.companyId;
});
afterAll(() => cleanup());

const line = (unitPriceMinor: number, quantityMilli = 1000, taxRateBp = 0) => ({ description: 'Work', quantityMilli, unitPriceMinor, taxRateBp });
const newInvoice = async (lines = [line(10_000, 1000, 1000)]) => {
  const draft = await createInvoice(admin, { companyId: acme, issueDate: '2026-11-01', dueDate: '2026-11-30', paymentTerms: 'Net 30 days', lines });
  return await issueInvoice(admin, { invoiceId: draft.id });
};

describe('finance seed', () => {
  it('creates a paid, a partial and an overdue invoice per company, with payments', async () => {
    for (const s of seeded) {
      const billing = await asDemoUser(base, s === seeded[0] ? 'billing@acme-dental.test' : 'billing@northwind.test');
      const list = await listInvoices(billing);
      const byId = new Map(list.map((i) => [i.id, i.status]));
      expect(byId.get(s.invoices.paid)).toBe('paid');
      expect(byId.get(s.invoices.partial)).toBe('partial');
      expect(byId.get(s.invoices.overdue)).toBe('overdue');
      expect(list.every((i) => i.companyId === s.companyId)).toBe(true);
      expect((await listInvoices(billing, { status: 'overdue' })).map((i) => i.id)).toEqual([s.invoices.overdue]);
    }
  });
});

describe('payments', () => {
  it('applies a partial then a full payment, and the status follows', async () => {
    const inv = await newInvoice();
    expect(inv.totalMinor).toBe(11_000);
    expect(inv.status).toBe('unpaid');
    await recordPayment(admin, { invoiceId: inv.id, amountMinor: 4000, method: 'check', reference: 'Check 1' });
    let now = await getInvoice(admin, { invoiceId: inv.id });
    expect(now).toMatchObject({ status: 'partial', paidMinor: 4000, balanceMinor: 7000 });
    await recordPayment(admin, { invoiceId: inv.id, amountMinor: 7000, method: 'bank_transfer' });
    now = await getInvoice(admin, { invoiceId: inv.id });
    expect(now).toMatchObject({ status: 'paid', paidMinor: 11_000, balanceMinor: 0 });
    expect(now.payments.map((p) => p.amountMinor)).toEqual([4000, 7000]);
  });

  it('refuses a payment above the balance, naming the field', async () => {
    const inv = await newInvoice();
    await recordPayment(admin, { invoiceId: inv.id, amountMinor: 10_000, method: 'cash' });
    await expect(recordPayment(admin, { invoiceId: inv.id, amountMinor: 1001, method: 'cash' })).rejects.toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: 'amountMinor' }) }),
    );
    expect((await getInvoice(admin, { invoiceId: inv.id })).paidMinor).toBe(10_000);
  });

  it('applies a gateway payment once per gateway reference', async () => {
    const inv = await newInvoice();
    const sys = withActor(base, system);
    const first = await applyGatewayPayment(sys, { invoiceId: inv.id, amountMinor: 11_000, gateway: 'stripe', gatewayRef: 'pi_123' });
    const again = await applyGatewayPayment(sys, { invoiceId: inv.id, amountMinor: 11_000, gateway: 'stripe', gatewayRef: 'pi_123' });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ payment: first.payment, duplicate: true });
    expect((await base.db.select().from(payments).where(eq(payments.gatewayRef, 'pi_123')))).toHaveLength(1);
    expect(await getInvoice(admin, { invoiceId: inv.id })).toMatchObject({ status: 'paid', paidMinor: 11_000 });
    await expect(applyGatewayPayment(sys, { invoiceId: seeded[0]!.invoices.overdue, amountMinor: 1, gateway: 'stripe', gatewayRef: 'pi_123' })).rejects.toThrow(/already used/);
    await expect(applyGatewayPayment(await asDemoUser(base, 'billing@acme-dental.test'), { invoiceId: inv.id, amountMinor: 1, gateway: 'x', gatewayRef: 'y' })).rejects.toThrow(/staff only/);
  });

  it('keeps drafts and void invoices from clients and refuses to void a paid invoice', async () => {
    const billing = await asDemoUser(base, 'billing@acme-dental.test');
    const draft = await createInvoice(admin, { companyId: acme, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [line(500)] });
    await expect(getInvoice(billing, { invoiceId: draft.id })).rejects.toThrow(/not found/);
    expect((await listInvoices(billing)).some((i) => i.id === draft.id)).toBe(false);
    const edited = await updateInvoice(admin, { invoiceId: draft.id, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [line(500), line(250, 2000)] });
    expect(edited.totalMinor).toBe(1000);
    await issueInvoice(admin, { invoiceId: draft.id });
    expect((await getInvoice(billing, { invoiceId: draft.id })).status).toBe('unpaid');
    await expect(updateInvoice(admin, { invoiceId: draft.id, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [] })).rejects.toThrow(/only drafts/);
    await voidInvoice(admin, { invoiceId: draft.id });
    await expect(getInvoice(billing, { invoiceId: draft.id })).rejects.toThrow(/not found/);
    await expect(voidInvoice(admin, { invoiceId: seeded[0]!.invoices.paid })).rejects.toThrow(/payments applied/);
  });

  it('sums the account balance and recurring monthly for the dashboard', async () => {
    const billing = await asDemoUser(base, 'billing@northwind.test');
    const s = await financeSummary(billing);
    const open = (await listInvoices(billing)).filter((i) => i.status !== 'paid');
    expect(s.accountBalanceMinor).toBe(open.reduce((sum, i) => sum + i.balanceMinor, 0));
    expect(s.accountBalanceMinor).toBeGreaterThan(0);
    // Northwind: quarterly 40 seats × $45 × 3 plus 8.25 % tax, as a month.
    expect(s.recurringMonthlyMinor).toBe(Math.round((540_000 + Math.round(540_000 * 0.0825)) / 3));
    expect(s.overdueCount).toBe(1);
    expect(s.currency).toBe('USD');
  });
});

describe('quotes', () => {
  const sentQuote = async (expiryDate = '2026-11-20') => {
    const q = await createQuote(admin, { companyId: acme, title: 'Switch upgrade', issueDate: '2026-11-01', expiryDate, lines: [line(50_000)] });
    return await sendQuote(admin, { quoteId: q.id });
  };

  it('is accepted once, with who, when and the comment, and staff hear of it', async () => {
    const q = await sentQuote();
    const heard: string[] = [];
    const offs = [base.bus.on(staffFinanceTopic(1), (e) => heard.push(`staff:${e.kind}`)), base.bus.on(companyFinanceTopic(acme), (e) => heard.push(`company:${e.kind}`))];
    const billing = await asDemoUser(base, 'billing@acme-dental.test');
    const decided = await decideQuote(billing, { quoteId: q.id, decision: 'accept', comment: 'Go ahead, Tuesday works.' });
    offs.forEach((off) => off());
    expect(decided.status).toBe('accepted');
    expect(decided.decision).toMatchObject({ by: 'Bailey Billing', comment: 'Go ahead, Tuesday works.', at: clock.now().getTime() });
    expect(heard).toEqual(expect.arrayContaining(['staff:quote.decided', 'company:quote.decided']));
    await expect(decideQuote(billing, { quoteId: q.id, decision: 'decline' })).rejects.toThrow(/already accepted/);
    await expect(decideQuote(await asDemoUser(base, 'primary@acme-dental.test'), { quoteId: q.id, decision: 'decline' })).rejects.toThrow(/already accepted/);
    expect((await getQuote(admin, { quoteId: q.id })).status).toBe('accepted');
  });

  it('is declined without a comment, and refuses once expired', async () => {
    const primary = await asDemoUser(base, 'primary@acme-dental.test');
    const q = await sentQuote();
    expect((await decideQuote(primary, { quoteId: q.id, decision: 'decline' })).decision).toMatchObject({ by: 'Pat Primary', comment: null });
    const old = await sentQuote('2026-11-05');
    clock.set(new Date('2026-11-06T09:00:00Z'));
    try {
      expect((await getQuote(primary, { quoteId: old.id })).status).toBe('expired');
      await expect(decideQuote(primary, { quoteId: old.id, decision: 'accept' })).rejects.toThrow(/expired on 2026-11-05/);
    } finally {
      clock.set(new Date('2026-11-01T09:00:00Z'));
    }
    await expect(decideQuote(admin, { quoteId: q.id, decision: 'accept' })).rejects.toThrow(/client contacts only/);
    const draft = await createQuote(admin, { companyId: acme, title: 'Draft', issueDate: '2026-11-01', expiryDate: '2026-11-20', lines: [line(1)] });
    await expect(decideQuote(primary, { quoteId: draft.id, decision: 'accept' })).rejects.toThrow(/not found/);
  });
});

describe('recurring scheduler', () => {
  const run = async () => await issueDueRecurringInvoices(withActor(base, system));
  const billed = async (id: number) => (await base.db.select().from(invoices).where(eq(invoices.recurringInvoiceId, id)));
  const nextOf = async (id: number) => (await base.db.select().from(recurringInvoices).where(eq(recurringInvoices.id, id)))[0]!.nextBillDate;

  it('issues each due period once across runs, a crash between insert and advance, and month ends', async () => {
    const r = await createRecurring(admin, { companyId: acme, scope: 'Backup', frequency: 'monthly', amountMinor: 10_000, taxRateBp: 825, nextBillDate: '2027-01-31' });
    clock.set(new Date('2027-01-31T10:00:00Z'));
    try {
      expect((await run()).issued).toBeGreaterThanOrEqual(1);
      expect((await billed(r.id)).map((i) => i.recurringPeriod)).toEqual(['2027-01-31']);
      expect(await nextOf(r.id)).toBe('2027-02-28');
      expect(await run()).toEqual({ issued: 0, alreadyIssued: 0 }); // second run the same day: nothing

      // A run that stopped after billing but before moving the date on.
      (await base.db.update(recurringInvoices).set({ nextBillDate: '2027-01-31' }).where(eq(recurringInvoices.id, r.id)));
      expect(await run()).toEqual({ issued: 0, alreadyIssued: 1 });
      expect(await billed(r.id)).toHaveLength(1);
      expect(await nextOf(r.id)).toBe('2027-02-28');

      // Down for a while: each missed period is billed once, back on the 31st after February.
      clock.set(new Date('2027-04-01T10:00:00Z'));
      await run();
      const periods = (await billed(r.id)).map((i) => i.recurringPeriod);
      expect(periods).toEqual(['2027-01-31', '2027-02-28', '2027-03-31']);
      expect(await nextOf(r.id)).toBe('2027-04-30');
      const inv = (await billed(r.id))[1]!;
      expect(inv).toMatchObject({ status: 'sent', issueDate: '2027-02-28', dueDate: '2027-03-30', subtotalMinor: 10_000, taxMinor: 825, totalMinor: 10_825 });

      // Deactivated: no more invoices.
      await setRecurringActive(admin, { recurringId: r.id, active: false });
      clock.set(new Date('2027-05-01T10:00:00Z'));
      await run();
      expect(await billed(r.id)).toHaveLength(3);
    } finally {
      clock.set(new Date('2026-11-01T09:00:00Z'));
    }
    await expect(issueDueRecurringInvoices(admin)).rejects.toThrow(/scheduler/);
  });
});

describe('bad input', () => {
  it('gets clear messages', async () => {
    await expect(createInvoice(admin, { companyId: acme, issueDate: '2026-11-31', dueDate: '2026-11-30', lines: [] })).rejects.toThrow(/issue date as a date/);
    await expect(createInvoice(admin, { companyId: acme, issueDate: '2026-11-10', dueDate: '2026-11-01', lines: [] })).rejects.toThrow(/due date cannot be before/);
    await expect(createInvoice(admin, { companyId: acme, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [{ ...line(100), description: ' ' }] })).rejects.toThrow(/Describe the line item/);
    await expect(createInvoice(admin, { companyId: acme, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [line(1.5)] })).rejects.toThrow(/in cents/);
    await expect(createInvoice(admin, { companyId: 9999, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [] })).rejects.toThrow(/Company not found/);
    const empty = await createInvoice(admin, { companyId: acme, issueDate: '2026-11-01', dueDate: '2026-11-30', lines: [] });
    await expect(issueInvoice(admin, { invoiceId: empty.id })).rejects.toThrow(/Add line items/);
    await expect(recordPayment(admin, { invoiceId: seeded[0]!.invoices.overdue, amountMinor: 0, method: 'cash' })).rejects.toThrow(/more than 0/);
    await expect(recordPayment(admin, { invoiceId: seeded[0]!.invoices.overdue, amountMinor: 10, method: 'bitcoin' as 'cash' })).rejects.toThrow(/payment method/);
    await expect(recordPayment(admin, { invoiceId: seeded[0]!.invoices.paid, amountMinor: 10, method: 'cash' })).rejects.toThrow(/already paid/);
    await expect(createRecurring(admin, { companyId: acme, scope: 'x', frequency: 'weekly' as 'monthly', amountMinor: 1, nextBillDate: '2026-12-01' })).rejects.toThrow(/Monthly, Quarterly or Yearly/);
  });
});

describe('invoice PDF', () => {
  it('is a PDF with the invoice number, company and totals', async () => {
    const billing = await asDemoUser(base, 'billing@acme-dental.test');
    const id = seeded[0]!.invoices.partial;
    const inv = await getInvoice(billing, { invoiceId: id });
    const pdf = await renderInvoicePdf(billing, { invoiceId: id }, { compress: false });
    const text = pdf.data.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(pdf.filename).toBe(`${inv.number}.pdf`);
    // The title is in the document info as plain text.
    expect(text).toContain(`(Invoice ${inv.number})`);
    // Page text is hex glyph runs split by kerning (`[<494e56> 80 <2d31303031>] TJ`): join each run.
    const shown = [...text.matchAll(/\[([^\]]*)\] TJ/g)]
      .map((m) => [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
      .join('\n');
    for (const words of [inv.number, 'Acme Dental', 'Balance due', 'Payment terms', 'Net 30 days', 'Check 1187']) expect(shown).toContain(words);
    expect(text).not.toContain('/Subtype /Image'); // no logo set
    await expect(renderInvoicePdf(await asDemoUser(base, 'billing@northwind.test'), { invoiceId: id })).rejects.toThrow(/not found/);
    await expect(renderInvoicePdf(await asDemoUser(base, 'standard@acme-dental.test'), { invoiceId: id })).rejects.toThrow(/Billing and Primary/);
  });
});

describe('invoice PDF logo', () => {
  it('draws the provider logo from DATA_DIR/logos/<sha256> when present', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-logo-'));
    try {
      const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#1d4ed8' } }).png().toBuffer();
      const sha = createHash('sha256').update(png).digest('hex');
      mkdirSync(join(dir, 'logos'));
      writeFileSync(join(dir, 'logos', sha), png);
      (await base.db.update(providers).set({ logoSha256: sha }).where(eq(providers.identifier, 'demo-msp')));
      const billing = { ...await asDemoUser(base, 'billing@acme-dental.test'), settings: { ...base.settings, DATA_DIR: dir } };
      const pdf = await renderInvoicePdf(billing, { invoiceId: seeded[0]!.invoices.paid }, { compress: false });
      expect(pdf.data.toString('latin1')).toContain('/Subtype /Image');
    } finally {
      (await base.db.update(providers).set({ logoSha256: null }).where(eq(providers.identifier, 'demo-msp')));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
