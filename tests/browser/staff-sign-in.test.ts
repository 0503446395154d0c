import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
beforeAll(async () => {
  fx = await startPortalFixture();
  browser = fx.browser;
});
afterAll(() => fx?.stop());

describe('staff sign-in', () => {
  it('signs a staff member in with password and authenticator code into the staff console', async () => {
    const key = await enrollTotp(fx.portico, 'tech@demo-msp.test');
    const page = await browser.newPage();
    await signInWithTotp(page, fx.origin, 'tech@demo-msp.test', key);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tickets' }).click();
    await expect(page.getByRole('link', { name: 'Outgoing mail' }).isVisible()).resolves.toBe(true);
    await page.close();
  });
});
