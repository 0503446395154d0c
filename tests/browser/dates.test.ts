import type { Browser } from 'playwright-core';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoices } from '../../db/schema/finance';
import { companies } from '../../db/schema/people';
import { seedFinance } from '../../server/seed/demo-finance';
import { seedTechnical } from '../../server/seed/demo-technical';
import { createCertificate } from '../../server/technical/certificates';
import { asDemoUser } from '../helpers/demo-actors';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let invoiceId: number;
let dueDate: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  const base = fx.portico.base;
  await seedFinance(base);
  await seedTechnical(base);
  const northwind = (await base.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!;
  const invoice = (await base.db.select().from(invoices).where(and(eq(invoices.companyId, northwind.id), ne(invoices.status, 'draft'))))[0]!;
  ({ id: invoiceId, dueDate } = invoice);
  // A certificate expiring on the invoice's due date: the one day, on two pages.
  await createCertificate(await asDemoUser(base, 'admin@demo-msp.test'), {
    companyId: northwind.id, name: 'Same day', fqdn: 'same.northwind.test', issuer: 'DigiCert', expiresOn: dueDate,
  });
});
afterAll(() => fx?.stop());

describe('one date and time format', () => {
  it('writes the same day the same way on Finance and on Certificates', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Pacific/Kiritimati' });
    const page = await context.newPage();
    await signIn(page, origin, 'primary@northwind.test');
    await page.goto(`${origin}/finance`);
    const due = await page.locator(`tr:has(a[href$="/invoices/${invoiceId}"]) td[data-label="Due"]`).textContent();
    await page.goto(`${origin}/technical/certificates`);
    const expiry = await page.getByRole('row', { name: /Same day/ }).locator('td[data-label="Expiration date"]').textContent();
    const [y, m, d] = dueDate.split('-').map(Number) as [number, number, number];
    const written = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
    expect(due).toBe(written);
    expect(expiry!.startsWith(written)).toBe(true);
    await context.close();
  });

  it('shows times in the zone chosen on the account, the browser\'s until then', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    await signIn(page, origin, 'billing@acme-dental.test');
    await page.goto(`${origin}/account`);
    const zone = page.getByLabel('Show dates and times in');
    expect(await zone.locator('option:checked').textContent()).toBe("This browser's time zone (America/New_York)");
    const sessions = page.getByRole('region', { name: 'Active sessions' }).getByRole('listitem').first();
    await sessions.waitFor();
    const inNewYork = (await sessions.textContent())!.match(/last active (.+?)(This device|End session|$)/)![1]!;

    await zone.selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await page.getByText('Your time zone was saved.').waitFor();
    // 14 hours ahead of New York in December: the shown time changes at once, without reloading.
    await expect.poll(async () => (await sessions.textContent())!.includes(inNewYork)).toBe(false);
    const inTokyo = (await sessions.textContent())!.match(/last active (.+?)(This device|End session|$)/)![1]!;
    expect(Date.parse(`${inTokyo} UTC`) - Date.parse(`${inNewYork} UTC`)).toBe(14 * 3_600_000);

    // Stored on the account: a reload (or another browser) shows the same.
    await page.reload();
    await sessions.waitFor();
    expect(await zone.inputValue()).toBe('Asia/Tokyo');
    expect(await sessions.textContent()).toContain(inTokyo);
    await context.close();
  });
});
