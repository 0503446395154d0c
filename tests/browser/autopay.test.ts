import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurringInvoices } from '../../db/schema/finance';
import { paymentGateways } from '../../db/schema/payments';
import { contacts, providers } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { seal } from '../../server/core/secret-box';
import { createRecurring } from '../../server/finance/recurring';
import { asDemoUser } from '../helpers/demo-actors';
import { startFakeStripe, type TFakeStripe } from '../helpers/fake-stripe';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * Finance > Auto Payment in Chromium: a Billing contact saves a card through the (fake)
 * hosted setup page, comes back to the page with a notice, sees the card appear live when the
 * signed webhook arrives, turns Auto Pay on for a subscription, and removes the card.
 */

const WHSEC = 'whsec_browser_autopay_0123456789';

let fake: TFakeStripe;
let fx: TPortalFixture;
let portico: TPortico;
let origin: string;

beforeAll(async () => {
  fake = await startFakeStripe();
  fx = await startPortalFixture({ PAYMENT_GATEWAY_API_URL: fake.url });
  ({ portico, origin } = fx);
  const db = portico.base.db;
  const sealed = (v: string) => seal(portico.base.settings.secretKey, Buffer.from(v));
  const providerId = (await db.select().from(providers).where(eq(providers.identifier, 'demo-msp')))[0]!.id;
  const now = new Date();
  (await db.insert(paymentGateways)
    .values({ providerId, publishableKey: 'pk_test_browser000000', sealedSecretKey: sealed('sk_test_browser0000wxyz'), sealedWebhookSecret: sealed(WHSEC), createdAt: now, updatedAt: now }));
});
afterAll(async () => {
  await fx?.stop();
  await fake?.stop();
});

describe('Auto Payment', () => {
  it('Save Card through the secure page, the card appears live, Auto Pay on, Remove', async () => {
    const companyId = (await portico.base.db.select().from(contacts).where(eq(contacts.email, 'billing@acme-dental.test')))[0]!.companyId;
    const recurring = await createRecurring(await asDemoUser(portico.base, 'admin@demo-msp.test'), {
      companyId,
      scope: 'Managed services, 25 seats',
      frequency: 'monthly',
      amountMinor: 25_000,
      nextBillDate: '2099-01-01',
    });
    const page: Page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, origin, 'billing@acme-dental.test');
    await page.goto(`${origin}/finance`);
    await page.getByRole('navigation', { name: 'Finance sections' }).getByRole('link', { name: 'Auto Payment' }).click();
    await page.getByRole('heading', { name: 'Saved cards' }).waitFor();
    await page.getByText('No saved cards yet.').waitFor();
    const autoPay = page.getByRole('switch', { name: 'Auto Pay for Managed services, 25 seats' });
    expect(await autoPay.isDisabled()).toBe(true);

    // "Save Card": off to the gateway's page, where the card is entered, and back.
    await page.getByRole('button', { name: 'Save Card' }).click();
    await page.waitForURL(`${fake.url}/pay/**`);
    const sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.waitForURL(`${origin}/finance/autopay?card=saved`);
    await page.getByRole('status').filter({ hasText: 'Your card was saved with the payment gateway.' }).waitFor();
    await page.getByText('No saved cards yet.').waitFor();

    // The signed webhook arrives: the card shows up without a reload.
    const res = await fake.sendWebhook(`${origin}/webhooks/stripe/demo-msp`, fake.checkoutCompletedEvent(sessionId), WHSEC);
    expect(res.status).toBe(200);
    const card = page.getByRole('list', { name: 'Saved cards' }).getByRole('listitem');
    await card.filter({ hasText: 'Visa •••• 4242' }).waitFor();
    expect(await card.textContent()).toContain('Expires 12/2034');
    expect(await card.getByText('Default', { exact: true }).isVisible()).toBe(true);

    // Auto Pay on for the subscription.
    await expect.poll(() => autoPay.isDisabled()).toBe(false);
    await autoPay.check();
    await expect.poll(async () => (await portico.base.db.select().from(recurringInvoices).where(eq(recurringInvoices.id, recurring.id)))[0]!.autoPay).toBe(true);
    expect(await autoPay.isChecked()).toBe(true);

    // Remove, with a confirmation step.
    await page.getByRole('button', { name: 'Remove Visa •••• 4242' }).click();
    await page.getByRole('group', { name: 'Remove Visa •••• 4242?' }).getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByText('No saved cards yet.').waitFor();
    expect(fake.requestsTo('/v1/payment_methods/', 'POST').filter((r) => r.path.endsWith('/detach'))).toHaveLength(1);
    await page.close();
  });
});
