import { desc } from 'drizzle-orm';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema/outbox';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
});
afterAll(() => fx?.stop());

describe('contacts and profile', () => {
  it('a Technical contact adds a contact (an invitation is sent) and revokes access, ending their open tab', async () => {
    const billingCtx = await browser.newContext();
    const billing = await billingCtx.newPage();
    await signIn(billing, origin, 'billing@acme-dental.test');
    await expect.poll(() => billing.getByRole('status').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('live');

    const page = await browser.newPage();
    await signIn(page, origin, 'technical@acme-dental.test');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Add Contact' }).click();
    const form = page.locator('form.contact-form');
    await form.getByLabel('Name').fill('Nora New');
    await form.getByLabel('Email address').fill('nora@acme-dental.test');
    await form.getByLabel('Title').fill('Dentist');
    await form.getByRole('checkbox', { name: 'Billing' }).check();
    expect(await form.getByRole('checkbox', { name: 'Primary' }).isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Add Contact' }).click();
    await page.getByRole('status').getByText('Nora New was added and an invitation is on its way to nora@acme-dental.test.').waitFor();
    await page.getByRole('row').filter({ hasText: 'nora@acme-dental.test' }).waitFor();
    const mail = (await fx.portico.base.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!;
    expect(mail.toAddress).toBe('nora@acme-dental.test');
    expect(mail.textBody).toContain('/invitation?token=');

    await page.getByRole('button', { name: /^Revoke access for Bailey/ }).click();
    await page.getByRole('status').getByText(/can no longer sign in; 1 open session was ended/).waitFor();
    await billing.waitForURL(/\/sign-in$/, { timeout: 5_000 });
    await billing.getByText('Your portal access was turned off.').waitFor();
    await billingCtx.close();
    await page.close();
  });

  it('a Standard contact has no Contacts link and the page refuses', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'standard@northwind.test');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).count()).toBe(0);
    await page.goto(`${origin}/contacts`);
    await page.getByRole('alert').getByText('Only Technical and Primary contacts manage contacts.').waitFor();
    await page.close();
  });

  it('updates the display name, phone and photo on the Account page', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'primary@northwind.test');
    await page.goto(`${origin}/account`);
    await page.getByLabel('Display name').fill('Pat Primary-Jones');
    await page.getByLabel('Office phone').fill('+1 555 0100');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').getByText('Your profile was saved.').waitFor();
    await page.getByRole('button', { name: 'Pat Primary-Jones' }).waitFor(); // the user menu follows

    const png = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#aa3355' } }).png().toBuffer();
    await page.getByLabel('Profile photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('status').getByText('Your photo was updated.').waitFor();
    const img = page.getByRole('img', { name: 'Photo of Pat Primary-Jones' });
    expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(256);
    await page.close();
  });
});
