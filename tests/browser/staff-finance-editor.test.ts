import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoices, quotes } from '../../db/schema/finance';
import type { TPortico } from '../../server/app';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/* The staff editor that drafts invoices and quotes: save a draft, edit it, then release it. */

let fx: TPortalFixture;
let portico: TPortico;
let origin: string;
let staff: BrowserContext;

// One sign-in for the file: an authenticator code is good once.
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, origin } = fx);
  staff = await fx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await staff.newPage();
  await signInWithTotp(page, origin, 'admin@demo-msp.test', await enrollTotp(portico, 'admin@demo-msp.test'));
  await page.close();
});
afterAll(() => fx?.stop());

const staffPage = () => staff.newPage();

const idInUrl = (page: Page) => Number(/\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);

describe('staff draft editor', () => {
  it('drafts a quote, shows a refused field next to it, then saves and sends it', async () => {
    const page = await staffPage();
    await page.goto(`${origin}/staff/finance/quotes`);
    await page.getByRole('link', { name: 'New quote' }).click();
    await page.getByRole('heading', { name: 'New quote', level: 1 }).waitFor();
    await page.getByLabel('Company').selectOption({ label: 'Northwind Logistics' });
    await page.getByLabel('Description (line 1)').fill('Wi-Fi site survey');
    await page.getByLabel('Unit price (USD)').first().fill('250');
    await page.getByLabel('Notes (shown on the quote)').fill('Two visits.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#quote-title-input-error').textContent()).toBe('Give the quote a title.');
    await expect(page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Title', { exact: true }).fill('Wi-Fi upgrade');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/staff\/finance\/quotes\/\d+$/);
    await page.getByRole('heading', { name: /^Quote .+: Wi-Fi upgrade$/, level: 1 }).waitFor();
    await page.getByText('A draft: only staff see it until it is sent.').waitFor();
    const id = idInUrl(page);
    const draft = (await portico.base.db.select().from(quotes).where(eq(quotes.id, id)))[0]!;
    expect([draft.status, draft.title, draft.notes]).toEqual(['draft', 'Wi-Fi upgrade', 'Two visits.']);
    await page.getByRole('heading', { name: /^Draft \S+$/ }).waitFor();
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('Wi-Fi upgrade');

    await page.getByLabel('Valid until').fill('2099-12-31');
    await page.getByRole('button', { name: 'Save and send' }).click();
    await page.getByTestId('quote-status').getByText('Awaiting decision').waitFor();
    const sent = (await portico.base.db.select().from(quotes).where(eq(quotes.id, id)))[0]!;
    expect([sent.status, sent.expiryDate]).toEqual(['sent', '2099-12-31']);
    await page.close();
  });

  it('drafts an invoice with its own terms, then issues it from the draft', async () => {
    const page = await staffPage();
    await page.goto(`${origin}/staff/finance`);
    await page.getByRole('link', { name: 'New invoice' }).click();
    await page.getByRole('heading', { name: 'New invoice', level: 1 }).waitFor();
    await expect(page.getByLabel('Payment terms').inputValue()).resolves.toBe('Net 30 days');
    // Nothing chosen yet: refused in the page, before anything is sent.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Choose a company.').waitFor();

    await page.getByLabel('Company').selectOption({ label: 'Acme Dental' });
    await page.getByLabel('Payment terms').fill('Net 14 days');
    await page.getByLabel('Description (line 1)').fill('Backup review');
    await page.getByLabel('Unit price (USD)').first().fill('120');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/staff\/finance\/invoices\/\d+$/);
    await page.getByText('A draft: only staff see it until it is issued.').waitFor();
    const id = idInUrl(page);
    expect((await portico.base.db.select().from(invoices).where(eq(invoices.id, id)))[0]).toMatchObject({ status: 'draft', paymentTerms: 'Net 14 days' });
    await expect(page.getByLabel('Payment terms').inputValue()).resolves.toBe('Net 14 days');

    await page.getByRole('button', { name: 'Save and issue' }).click();
    await page.getByRole('heading', { name: 'Record payment' }).waitFor();
    expect((await portico.base.db.select().from(invoices).where(eq(invoices.id, id)))[0]).toMatchObject({ status: 'sent', paymentTerms: 'Net 14 days' });
    await page.close();
  });
});
