import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let adminKey: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  adminKey = await enrollTotp(fx.portico, 'admin@demo-msp.test');
});
afterAll(() => fx?.stop());

const CONTACT = 'standard@northwind.test';

/* Requiring privacy consent without a policy did nothing, silently: now the page says so and the boxes wait for one. */
describe('privacy consent needs a policy', () => {
  it('says consent needs a policy first, and allows it once a version with its text is saved', async () => {
    const admin = await browser.newPage();
    await signInWithTotp(admin, origin, 'admin@demo-msp.test', adminKey);
    await admin.goto(`${origin}/staff/privacy`);
    const notice = admin.getByText('Set a privacy policy above (a version, and its URL or text) before requiring consent.');
    await notice.waitFor();
    const box = admin.getByRole('row').filter({ hasText: CONTACT }).getByLabel('Requires privacy consent');
    expect(await box.isDisabled()).toBe(true);

    // A URL or text without a version is refused, not silently ignored.
    await admin.getByLabel('Privacy policy text').fill('Demo MSP keeps your data in the EU.');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Enter the policy version (for example 2026-11).').first().waitFor();
    await admin.getByLabel('Policy version').fill('2026-10');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Version 2026-10 is now prompted' }).waitFor();
    await expect.poll(() => notice.count()).toBe(0);
    expect(await box.isDisabled()).toBe(false);

    // Back to no policy: the boxes are off again.
    await admin.getByLabel('Privacy policy text').fill('');
    await admin.getByLabel('Policy version').fill('');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Privacy prompts are off' }).waitFor();
    await notice.waitFor();
    expect(await box.isDisabled()).toBe(true);
    await admin.close();
  });
});
