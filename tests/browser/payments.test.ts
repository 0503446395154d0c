import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { createInvoice, issueInvoice } from '../../server/finance/invoice-edits';
import { companyFinanceTopic } from '../../server/finance/topics';
import { asDemoUser } from '../helpers/demo-actors';
import { startFakeStripe, type TFakeStripe } from '../helpers/fake-stripe';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * Card payments in Chromium: a staff admin enters the Stripe keys; a Billing contact clicks
 * "Pay Now", lands on the (fake) hosted checkout, pays, returns to the invoice; the signed
 * webhook arrives and the open page turns Paid without a reload; staff refund part of it and
 * the contact's page turns Partial, live too.
 */

const WHSEC = 'whsec_browser_0123456789abcdef';

let fake: TFakeStripe;
let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fake = await startFakeStripe();
  fx = await startPortalFixture({ PAYMENT_GATEWAY_API_URL: fake.url });
  ({ portico, browser, origin } = fx);
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await fx?.stop();
  await fake?.stop();
});

/** Each person in their own browser context (own cookies), as on separate machines. */
async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  return ctx.newPage();
}

const acmeCompanyId = async () => (await portico.base.db.select().from(contacts).where(eq(contacts.email, 'billing@acme-dental.test')))[0]!.companyId;

async function newAcmeInvoice(totalMinor: number): Promise<{ id: number; number: string }> {
  const staff = await asDemoUser(portico.base, 'admin@demo-msp.test');
  const inv = await createInvoice(staff, { companyId: await acmeCompanyId(), issueDate: '2026-11-01', dueDate: '2099-12-31', lines: [{ description: 'Quarterly support', quantityMilli: 1000, unitPriceMinor: totalMinor, taxRateBp: 0 }] });
  const issued = await issueInvoice(staff, { invoiceId: inv.id });
  return { id: issued.id, number: issued.number };
}

const statusBadge = (page: Page) => page.locator('.fin-facts .badge');

describe('card payments', () => {
  it('staff enter the keys; a Billing contact pays with Pay Now and sees the invoice turn Paid live; a staff refund shows live too', async () => {
    // Staff admin: Administration → Card payments.
    const staff = await newPage();
    const key = await enrollTotp(portico, 'admin@demo-msp.test');
    await signInWithTotp(staff, origin, 'admin@demo-msp.test', key);
    await staff.goto(`${origin}/staff/admin`);
    await staff.getByRole('link', { name: 'Card payments' }).click();
    await staff.getByRole('heading', { name: 'Card payments', level: 1 }).waitFor();
    await staff.getByText('Card numbers never touch this portal').waitFor();
    await expect.poll(() => staff.locator('#webhook-url').textContent()).toBe(`${origin}/webhooks/stripe/demo-msp`);
    await staff.getByLabel('Publishable key').fill('pk_test_browser000000');
    await staff.getByLabel('Secret key').fill('sk_test_browser0000wxyz');
    await staff.getByLabel('Webhook signing secret').fill(WHSEC);
    await staff.getByRole('button', { name: 'Save' }).click();
    await staff.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await staff.getByText('A secret key ending in wxyz is saved.').waitFor();
    expect(await staff.getByLabel('Secret key').inputValue()).toBe('');

    // The Billing contact opens the invoice: "Pay Now" is there.
    const inv = await newAcmeInvoice(25_000);
    const client = await newPage();
    await signIn(client, origin, 'billing@acme-dental.test');
    await client.goto(`${origin}/finance/invoices/${inv.id}`);
    await client.getByRole('heading', { name: `Invoice ${inv.number}` }).waitFor();
    await expect.poll(() => statusBadge(client).textContent()).toBe('Unpaid');
    await client.getByRole('button', { name: 'Pay Now' }).click();

    // Off to the hosted checkout (the fake), then back after paying.
    await client.waitForURL((u) => u.href.startsWith(`${fake.url}/pay/`));
    const sessionId = new URL(client.url()).pathname.split('/').pop()!;
    await client.getByText('250.00 USD').waitFor();
    await client.getByRole('button', { name: 'Pay' }).click();
    await client.waitForURL(`${origin}/finance/invoices/${inv.id}?payment=success`);
    await client.getByRole('status').filter({ hasText: 'Payment received — the invoice updates when the payment is confirmed' }).waitFor();
    expect(await statusBadge(client).textContent()).toBe('Unpaid');

    // The dashboard open in another tab shows the balance with this invoice still owed.
    const dashboard = await client.context().newPage();
    await dashboard.goto(`${origin}/`);
    const balance = dashboard.getByTestId('account-balance');
    await balance.waitFor();
    const dollars = async () => Number((await balance.textContent())!.replace(/[^0-9.]/g, ''));
    const owedBefore = await dollars();
    expect(owedBefore).toBeGreaterThanOrEqual(250);

    // The webhook lands; the open page turns Paid without a reload. (Both pages follow the company's finance topic first.)
    await expect.poll(async () => portico.base.bus.listenerCount(companyFinanceTopic(await acmeCompanyId())), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await client.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const res = await fake.sendWebhook(`${origin}/webhooks/stripe/demo-msp`, fake.checkoutCompletedEvent(sessionId), WHSEC);
    expect(res.status).toBe(200);
    await expect.poll(() => statusBadge(client).textContent()).toBe('Paid');
    await client.getByText('Payment received and confirmed.').waitFor();
    const paymentsTable = client.locator('section[aria-labelledby="inv-payments"] table');
    await paymentsTable.getByText('Visa •••• 4242').waitFor();
    expect(await client.getByRole('button', { name: 'Pay Now' }).count()).toBe(0);
    expect(await client.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await expect.poll(dollars).toBeCloseTo(owedBefore - 250, 2);
    await dashboard.close();

    // Staff refund part of it from the staff invoice page; the contact's page follows live.
    await staff.goto(`${origin}/staff/finance/invoices/${inv.id}`);
    await staff.getByRole('heading', { name: 'Refund card payment' }).waitFor();
    staff.once('dialog', (d) => void d.accept());
    await staff.getByLabel('Refund amount (USD)').fill('100.00');
    await staff.getByLabel('Reason (optional)').fill('Goodwill credit');
    await staff.getByRole('button', { name: 'Refund', exact: true }).click();
    await staff.getByRole('status').filter({ hasText: 'Refunded $100.00.' }).waitFor();
    await expect.poll(() => statusBadge(client).textContent()).toBe('Partial');
    await paymentsTable.getByText('Partially refunded ($100.00)').waitFor();
    expect(await client.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

    // Payment history on the Finance page.
    await client.goto(`${origin}/finance/payments`);
    const history = client.getByRole('table', { name: 'Payments' });
    const row = history.locator('tbody tr').filter({ hasText: inv.number });
    await row.getByText('Visa •••• 4242').waitFor();
    await row.getByText('Partially refunded ($100.00)').waitFor();
  });

  it('a cancelled checkout returns to the invoice with a neutral notice and nothing paid', async () => {
    const inv = await newAcmeInvoice(9_900);
    const client = await newPage();
    await signIn(client, origin, 'primary@acme-dental.test');
    await client.goto(`${origin}/finance/invoices/${inv.id}`);
    await client.getByRole('button', { name: 'Pay Now' }).click();
    await client.waitForURL((u) => u.href.startsWith(`${fake.url}/pay/`));
    await client.getByRole('link', { name: 'Cancel' }).click();
    await client.waitForURL(`${origin}/finance/invoices/${inv.id}?payment=cancelled`);
    await client.getByRole('status').filter({ hasText: 'Payment cancelled. Nothing was charged.' }).waitFor();
    expect(await statusBadge(client).textContent()).toBe('Unpaid');
    await client.getByRole('button', { name: 'Pay Now' }).waitFor();
  });

  it('a Standard contact sees no Pay Now (no Finance at all)', async () => {
    const inv = await newAcmeInvoice(1_000);
    const client = await newPage();
    await signIn(client, origin, 'standard@acme-dental.test');
    await client.goto(`${origin}/finance/invoices/${inv.id}`);
    await client.getByRole('alert').waitFor();
    expect(await client.getByRole('button', { name: 'Pay Now' }).count()).toBe(0);
  });
});
