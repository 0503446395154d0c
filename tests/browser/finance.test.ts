import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFinance, type TSeededFinance } from '../../server/seed/demo-finance';
import type { TPortico } from '../../server/app';
import { createQuote, decideQuote, sendQuote } from '../../server/finance/quote-edits';
import { staffFinanceTopic } from '../../server/finance/topics';
import { asDemoUser } from '../helpers/demo-actors';
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

describe('finance', () => {
  it('lets a Billing contact see invoices, download a PDF and accept a quote', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const csp: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await signIn(page, origin, 'billing@acme-dental.test');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Finance' }).click();
    await page.getByRole('heading', { name: 'Account Balance' }).waitFor();
    const table = page.getByRole('table', { name: 'Invoices' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    await table.getByText('Overdue').waitFor();
    await table.getByText('Partial').waitFor();

    // Status filter.
    await page.getByLabel('Status').selectOption('overdue');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    const overdueRow = table.locator('tbody tr').first();
    const number = (await overdueRow.getByRole('link').textContent())!;
    expect(number).toMatch(/^INV-\d+$/);

    // Invoice detail and its PDF.
    await overdueRow.getByRole('link').click();
    await page.getByRole('heading', { name: `Invoice ${number}` }).waitFor();
    await page.getByRole('heading', { name: 'Line items' }).waitFor();
    await page.getByText('Replacement switch (24-port, PoE)').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Accept the sent quote with a comment.
    await page.goto(`${origin}/finance/quotes`);
    const quotes = page.getByRole('table', { name: 'Quotes' });
    await quotes.getByText('Firewall replacement').waitFor();
    expect(await quotes.getByText('Microsoft 365 migration').count()).toBe(0); // a draft: staff only
    await quotes.getByRole('link').first().click();
    await page.getByLabel('Comment (optional)').fill('Please schedule it for a Friday evening.');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId('quote-status').getByText('Accepted').waitFor();
    await page.getByText('Please schedule it for a Friday evening.').waitFor();
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    expect(csp).toEqual([]);
    await page.close();
  });

  it('fits the Finance page into 390 px, tables as cards', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, origin, 'primary@northwind.test');
    await page.goto(`${origin}/finance`);
    await page.getByRole('table', { name: 'Invoices' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('table.list thead').first().isVisible()).toBe(false);
    await page.close();
  });

  it('refuses Finance to a Standard contact', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'standard@acme-dental.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Tickets' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Finance' }).count()).toBe(0);
    await page.goto(`${origin}/finance`);
    await page.getByRole('alert').getByText('Finance is for Billing and Primary contacts').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    // The PDF route answers 404, not the document.
    const res = await page.request.get(`${origin}/invoices/${seeded[0]!.invoices.paid}.pdf`);
    expect(res.status()).toBe(404);
    await page.close();
  });

  it('gives staff a line-item editor with live totals and shows a client decision live', async () => {
    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWithTotp(page, origin, 'admin@demo-msp.test', key);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Finance' }).click();
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    await page.getByRole('link', { name: 'New invoice' }).click();
    await page.getByLabel('Company').selectOption({ label: 'Northwind Logistics' });
    await page.getByLabel('Description (line 1)').fill('Consulting');
    await page.getByLabel('Quantity').first().fill('1.5');
    await page.getByLabel('Unit price (USD)').first().fill('100');
    await page.getByLabel('Tax rate (%)').first().fill('10');
    await expect.poll(() => page.getByTestId('editor-total').textContent()).toBe('$165.00');
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByLabel('Description (line 2)').fill('Cable');
    await page.getByLabel('Unit price (USD)').nth(1).fill('abc');
    await page.getByRole('button', { name: 'Save and issue' }).click();
    await page.getByText('Enter a price like 95.00.').waitFor(); // the field's own message
    await page.getByLabel('Unit price (USD)').nth(1).fill('5');
    await expect.poll(() => page.getByTestId('editor-total').textContent()).toBe('$170.00');
    await page.getByRole('button', { name: 'Save and issue' }).click();
    await page.getByRole('heading', { name: 'Record payment' }).waitFor();

    // More than the balance is refused next to the field; a part payment makes it Partial.
    await page.getByLabel('Amount (USD)').fill('500');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('At most the balance, $170.00.').waitFor();
    await page.getByLabel('Amount (USD)').fill('70');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByTestId('balance').getByText('$100.00').waitFor();

    // A quote sent to Acme; the client's decision appears on the staff page without reload.
    const admin = await asDemoUser(portico.base, 'admin@demo-msp.test');
    const q = await createQuote(admin, { companyId: seeded[0]!.companyId, title: 'Wi-Fi survey', issueDate: '2026-01-01', expiryDate: '2099-01-01', lines: [{ description: 'Survey', quantityMilli: 1000, unitPriceMinor: 50_000 }] });
    await sendQuote(admin, { quoteId: q.id });
    await page.goto(`${origin}/staff/finance/quotes/${q.id}`);
    await page.getByTestId('quote-status').getByText('Awaiting decision').waitFor();
    // The page's live subscription is listening before the client decides.
    await expect.poll(() => portico.base.bus.listenerCount(staffFinanceTopic(admin.actor.kind === 'staff' ? admin.actor.providerId : 0))).toBeGreaterThan(0);
    await decideQuote(await asDemoUser(portico.base, 'primary@acme-dental.test'), { quoteId: q.id, decision: 'decline', comment: 'Not this year.' });
    await page.getByTestId('quote-status').getByText('Declined').waitFor({ timeout: 10_000 });
    await page.getByText('Not this year.').waitFor();
    await page.close();
  });
});
