import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { startFakeSmsGateway, type TFakeSmsGateway } from '../helpers/fake-sms-gateway';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let gateway: TFakeSmsGateway;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  gateway = await startFakeSmsGateway();
});
afterAll(async () => {
  await fx?.stop();
  await gateway?.close();
});

describe('code by SMS (seed 003)', () => {
  it('an admin sets up the SMS gateway; a contact adds a cell phone and signs in with "Send SMS Code"', async () => {
    // The staff administrator configures the gateway from the Administration hub.
    const adminKey = await enrollTotp(fx.portico, 'admin@demo-msp.test');
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signInWithTotp(admin, origin, 'admin@demo-msp.test', adminKey);
    await admin.goto(`${origin}/staff/admin`);
    await admin.getByRole('link', { name: 'Text messages (SMS)' }).click();
    await admin.getByRole('heading', { name: 'Text messages (SMS)', level: 1 }).waitFor();
    await admin.getByLabel('Gateway address').fill(gateway.url);
    await admin.getByLabel('Account SID').fill(gateway.accountSid);
    await admin.getByLabel('Auth token').fill(gateway.authToken);
    await admin.getByLabel('Sender number').fill('+15550109999');
    await admin.getByLabel('Default country code').fill('+1');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await admin.getByText('A token is saved and is never shown again').waitFor();
    expect(await admin.getByLabel('Auth token').inputValue()).toBe('');
    expect(await admin.content()).not.toContain(gateway.authToken);
    await admin.getByLabel('Cell phone number').fill('+1 555 010 0199');
    await admin.getByRole('button', { name: 'Send test message' }).click();
    await admin.getByRole('status').filter({ hasText: 'ending in 99' }).waitFor();
    expect(gateway.sent.at(-1)).toMatchObject({ to: '+15550100199', from: '+15550109999' });
    await adminContext.close();

    // The contact, with an authenticator app already set up, adds their cell phone on the profile.
    const email = 'primary@acme-dental.test';
    const key = await enrollTotp(fx.portico, email);
    const contactContext = await browser.newContext();
    const page = await contactContext.newPage();
    await signInWithTotp(page, origin, email, key);
    await page.goto(`${origin}/account`);
    await page.getByLabel('Cell phone').fill('(555) 010-0142');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor();
    await contactContext.close();

    // Signing in again on another browser: the code comes by text message.
    const fresh = await browser.newContext();
    const signIn = await fresh.newPage();
    await signIn.goto(`${origin}/sign-in`);
    await signIn.getByLabel('Email address').fill(email);
    await signIn.getByRole('button', { name: 'Continue' }).click();
    await signIn.getByLabel('Password').fill(DEMO_PASSWORD);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByRole('heading', { name: 'Two-Factor Authentication' }).waitFor();
    await signIn.getByRole('radio', { name: 'Text message (SMS)' }).check();
    const sentBefore = gateway.sent.length;
    await signIn.getByRole('button', { name: 'Send SMS Code' }).click();
    await signIn.getByRole('status').filter({ hasText: 'We sent a code to your cell phone ending in 42' }).waitFor();
    expect(gateway.sent.length).toBe(sentBefore + 1);
    const code = gateway.lastCode('+15550100142');
    // Only the last digits are on screen.
    expect(await signIn.locator('body').innerText()).not.toMatch(/010.?0142/);
    await signIn.getByLabel('Authentication Code').fill(code);
    await signIn.getByRole('button', { name: 'Verify' }).click();
    await signIn.getByRole('navigation', { name: 'Main' }).waitFor();
    await fresh.close();
  });
});
