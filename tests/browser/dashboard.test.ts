import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFinance, type TSeededFinance } from '../../server/seed/demo-finance';
import { seedTechnical } from '../../server/seed/demo-technical';
import { recordPayment } from '../../server/finance/payments';
import { asDemoUser } from '../helpers/demo-actors';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let finance: TSeededFinance[];
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  finance = await seedFinance(fx.portico.base);
  await seedTechnical(fx.portico.base);
});
afterAll(() => fx?.stop());

const headings = async (email: string) => {
  const page = await browser.newPage();
  await signIn(page, origin, email);
  await page.getByRole('heading', { name: 'Open tickets' }).waitFor();
  const names = await page.locator('.cards h2').allTextContents();
  return { page, names };
};

describe('dashboard cards per contact type', () => {
  it('Standard: tickets and assigned assets only', async () => {
    const { page, names } = await headings('standard@acme-dental.test');
    expect(names).toEqual(['Open tickets', 'Your assigned assets']);
    await page.close();
  });

  it('Technical: expiring domains, certificates and warranties', async () => {
    const { page, names } = await headings('technical@acme-dental.test');
    expect(names).toEqual(['Open tickets', 'Your assigned assets', 'Domains expiring', 'Certificates expiring', 'Asset warranties expiring']);
    await page.getByRole('region', { name: 'Domains expiring' }).getByText(/Expires in \d+ days/).first().waitFor();
    await page.getByRole('region', { name: 'Certificates expiring' }).getByText('Expired').first().waitFor();
    await page.close();
  });

  it('Billing: the balance and recurring cards, updated live when staff record a payment', async () => {
    const { page, names } = await headings('billing@acme-dental.test');
    expect(names).toEqual(['Open tickets', 'Your assigned assets', 'Account balance', 'Recurring monthly']);
    const balance = page.getByTestId('account-balance');
    const before = await balance.textContent();
    await expect.poll(() => page.getByRole('status').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    const companyId = ((await asDemoUser(fx.portico.base, 'billing@acme-dental.test')).actor as { companyId: number }).companyId;
    const mine = finance.find((f) => f.companyId === companyId)!;
    await recordPayment(await asDemoUser(fx.portico.base, 'admin@demo-msp.test'), { invoiceId: mine.invoices.overdue, amountMinor: 1000, method: 'cash' });
    await expect.poll(() => balance.textContent(), { timeout: 5_000 }).not.toBe(before);
    await page.close();
  });

  it('Primary: every card', async () => {
    const { page, names } = await headings('primary@northwind.test');
    expect(names).toEqual([
      'Open tickets',
      'Your assigned assets',
      'Account balance',
      'Recurring monthly',
      'Domains expiring',
      'Certificates expiring',
      'Asset warranties expiring',
    ]);
    await page.close();
  });
});
