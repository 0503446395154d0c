import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPaymentInstructions, updatePaymentInstructions } from '../../../server/admin/payment-instructions';
import type { ServiceContext } from '../../../server/core/context';
import { renderInvoicePdf } from '../../../server/finance/invoice-pdf';
import { payOptions } from '../../../server/payments/pay-now';
import { seedFinance, type TSeededFinance } from '../../../server/seed/demo-finance';
import { seedDemo } from '../../../server/seed/demo-people';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let seeded: TSeededFinance[];

beforeAll(async () => {
  const f = await freshContext(new Date('2026-11-01T09:00:00Z'));
  ({ ctx: base, cleanup } = f);
  await seedDemo(base);
  seeded = await seedFinance(base);
});
afterAll(() => cleanup());

const INSTRUCTIONS = 'Bank transfer to Demo MSP Ltd\nIBAN GB33 BUKB 2020 1555 5555 55\nor call 555-0100';

/** The page text of an uncompressed PDF: hex glyph runs split by kerning, joined per run. */
const pdfText = (data: Buffer) =>
  [...data.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');

describe('payment instructions', () => {
  it('are set by staff admins only, as plain text of bounded length', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    expect(await getPaymentInstructions(admin)).toEqual({ instructions: '' });
    await expect(updatePaymentInstructions(await asDemoUser(base, 'tech@demo-msp.test'), { instructions: 'x' })).rejects.toThrow(/administrator/i);
    await expect(updatePaymentInstructions(await asDemoUser(base, 'billing@acme-dental.test'), { instructions: 'x' })).rejects.toThrow();
    await expect(updatePaymentInstructions(admin, { instructions: 'a'.repeat(2001) })).rejects.toThrow(/under 2000/);
    await expect(updatePaymentInstructions(admin, { instructions: 'bell\u0007' })).rejects.toThrow(/control characters/);
    expect(await updatePaymentInstructions(admin, { instructions: `  ${INSTRUCTIONS}  ` })).toEqual({ instructions: INSTRUCTIONS });
    expect(await getPaymentInstructions(await asDemoUser(base, 'tech@demo-msp.test'))).toEqual({ instructions: INSTRUCTIONS });
  });

  it('reach the invoice page: no online payment without card payments, the instructions for an unpaid invoice', async () => {
    const billing = await asDemoUser(base, 'billing@acme-dental.test');
    const unpaid = await payOptions(billing, { invoiceId: seeded[0]!.invoices.overdue });
    expect(unpaid).toMatchObject({ canPay: false, onlinePayment: false, payable: true, instructions: INSTRUCTIONS });
    expect(await payOptions(billing, { invoiceId: seeded[0]!.invoices.paid })).toMatchObject({ payable: false });
    // Another company's invoice stays not found.
    await expect(payOptions(await asDemoUser(base, 'billing@northwind.test'), { invoiceId: seeded[0]!.invoices.overdue })).rejects.toThrow(/not found/);
  });

  it('are printed on the invoice PDF, and left off once removed', async () => {
    const billing = await asDemoUser(base, 'billing@acme-dental.test');
    const text = pdfText((await renderInvoicePdf(billing, { invoiceId: seeded[0]!.invoices.overdue }, { compress: false })).data);
    expect(text).toContain('How to pay');
    for (const line of INSTRUCTIONS.split('\n')) expect(text).toContain(line);

    await updatePaymentInstructions(await asDemoUser(base, 'admin@demo-msp.test'), { instructions: '' });
    const without = pdfText((await renderInvoicePdf(billing, { invoiceId: seeded[0]!.invoices.overdue }, { compress: false })).data);
    expect(without).not.toContain('How to pay');
    expect((await payOptions(billing, { invoiceId: seeded[0]!.invoices.overdue })).instructions).toBeNull();
  });
});
