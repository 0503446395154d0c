import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
beforeAll(async () => {
  fx = await startPortalFixture({ SYSTEM_STATUS_URL: 'https://status.example.test/' });
  ({ browser, origin } = fx);
});
afterAll(() => fx?.stop());

describe('sign-in security settings', () => {
  it('an admin raises the password minimum and requires 2FA for one company; its contacts feel both', async () => {
    const key = await enrollTotp(fx.portico, 'admin@demo-msp.test');
    const admin = await browser.newPage();
    await signInWithTotp(admin, origin, 'admin@demo-msp.test', key);
    // Administration is a group of the staff menu; "All settings" opens its index page.
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All settings' }).click();
    await admin.getByRole('main').getByRole('link', { name: 'Sign-in security' }).click();
    await admin.getByLabel('Minimum password length').fill('14');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').getByText(/^Saved/).waitFor();
    await admin.getByLabel('Require two-factor authentication for contacts of Acme Dental').check();
    await admin.getByRole('status').getByText('Saved: contacts of Acme Dental must use two-factor authentication.').waitFor();
    await admin.close();

    const contact = await browser.newPage();
    await signIn(contact, origin, 'billing@acme-dental.test');
    await contact.getByRole('heading', { name: 'Two-factor Authentication Setup' }).waitFor();
    await contact.close();

    const other = await browser.newPage();
    await signIn(other, origin, 'billing@northwind.test');
    await other.goto(`${origin}/account`);
    await other.getByRole('list', { name: 'Password requirements' }).first().getByText('14 to 128 characters; spaces and any symbols are allowed.').waitFor();
    await other.close();
  });

  it('shows the System Status link on the sign-in page', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/sign-in`);
    const link = page.getByRole('link', { name: 'System Status' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://status.example.test/');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await page.close();
  });
});
