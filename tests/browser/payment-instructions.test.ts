import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TPortico } from '../../server/app';
import { seedFinance, type TSeededFinance } from '../../server/seed/demo-finance';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;
let seeded: TSeededFinance[];

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
  seeded = await seedFinance(portico.base);
});
afterAll(() => fx?.stop());

/*
 * A provider without card payments: staff write "Payment instructions" in Provider settings;
 * a Billing contact's unpaid invoice says plainly that online payment is not offered and shows
 * them (the PDF prints them), and Finance has an Auto Payment tab saying it is not available.
 */
describe('payment instructions without card payments', () => {
  it('staff set them; an unpaid invoice shows them and says online payment is not offered', async () => {
    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    const staff = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWithTotp(staff, origin, 'admin@demo-msp.test', key);
    await staff.goto(`${origin}/staff/provider-settings`);
    const box = staff.getByRole('textbox', { name: 'Payment instructions' });
    await box.fill('Bank transfer: IBAN GB33 BUKB 2020 1555 5555 55\nOr call us on 555-0100.');
    await staff.getByRole('button', { name: 'Save payment instructions' }).click();
    await staff.getByRole('status').getByText('Saved. Invoices show these instructions.').waitFor();
    await staff.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, origin, 'billing@acme-dental.test');
    await page.goto(`${origin}/finance/invoices/${seeded[0]!.invoices.overdue}`);
    const howToPay = page.getByRole('region', { name: 'How to pay' });
    await howToPay.waitFor();
    await howToPay.getByText('Online payment is not offered for this invoice').waitFor();
    expect(await howToPay.innerText()).toContain('Bank transfer: IBAN GB33 BUKB 2020 1555 5555 55\nOr call us on 555-0100.');
    expect(await page.getByRole('button', { name: /Pay Now/ }).count()).toBe(0);

    // The PDF carries them too.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A paid invoice asks for nothing.
    await page.goto(`${origin}/finance/invoices/${seeded[0]!.invoices.paid}`);
    await page.getByRole('heading', { name: /^Invoice / }).waitFor();
    expect(await page.getByRole('region', { name: 'How to pay' }).count()).toBe(0);

    // Auto Payment is a Finance tab, and says why it is not available.
    await page.goto(`${origin}/finance`);
    await page.getByRole('navigation', { name: 'Finance sections' }).getByRole('link', { name: 'Auto Payment' }).click();
    await page.getByText('Auto Payment is not available: your provider does not take card payments in the portal.').waitFor();
    await page.close();
  });
});
