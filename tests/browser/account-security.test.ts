import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { sessions } from '../../db/schema/sessions';
import { users } from '../../db/schema/people';
import { enrollTotp, signIn, startPortalFixture, totpCode, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
});
afterAll(() => fx?.stop());

async function passwordStep(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
async function signOut(page: Page, name: string) {
  await page.getByRole('button', { name }).click();
  await page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await page.waitForURL(/\/sign-in(\?signed_out=1)?$/);
  await page.getByLabel('Email address').waitFor();
}

describe('account security', () => {
  it('remembers a device for 30 days after the code step, until "Forget"', async () => {
    const email = 'primary@northwind.test';
    const key = await enrollTotp(fx.portico, email);
    const context = await browser.newContext();
    const page = await context.newPage();
    await passwordStep(page, email);
    await page.getByLabel(/6-digit code/).fill(totpCode(key));
    await page.getByLabel('Remember this device for 30 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'portico_device');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const name = (await page.getByRole('heading', { name: /^Welcome/ }).textContent())!.replace('Welcome, ', '');

    await signOut(page, name);
    await passwordStep(page, email);
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor(); // no code asked

    await page.goto(`${origin}/account`);
    await page.getByRole('heading', { name: 'Remembered devices' }).waitFor();
    await page.getByRole('button', { name: /^Forget / }).click();
    await page.getByRole('heading', { name: 'Remembered devices' }).waitFor({ state: 'detached' });
    await signOut(page, name);
    await passwordStep(page, email);
    await page.getByLabel(/6-digit code/).waitFor();
    await context.close();
  });

  it('changes the password on the Account page with the policy shown, and the new one signs in', async () => {
    const email = 'technical@northwind.test';
    const page = await browser.newPage();
    await signIn(page, origin, email);
    await page.goto(`${origin}/account`);
    const section = page.getByRole('region', { name: 'Change password' });
    await section.getByRole('list', { name: 'Password requirements' }).getByText('Not one of your last 5 passwords.').waitFor();
    await section.getByLabel('Current password').fill('not the password');
    await section.getByLabel('New password', { exact: true }).fill('a brand new phrase');
    await section.getByLabel('Confirm new password').fill('a brand new phrase');
    await section.getByRole('button', { name: 'Change password' }).click();
    await section.getByText('Your current password is not right.').first().waitFor();
    await section.getByLabel('Current password').fill(DEMO_PASSWORD);
    await section.getByRole('button', { name: 'Change password' }).click();
    await section.getByRole('status').getByText('Your password was changed.').waitFor();
    await page.close();

    const again = await browser.newPage();
    await signIn(again, origin, email, 'a brand new phrase');
    await again.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await again.close();
  });

  it('asks for the password again before turning two-factor authentication off', async () => {
    const email = 'standard@northwind.test';
    const key = await enrollTotp(fx.portico, email);
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await passwordStep(page, email);
    await page.getByLabel(/6-digit code/).fill(totpCode(key));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    // The sign-in was more than 5 minutes ago, as far as the server knows.
    const user = (await fx.portico.base.db.select().from(users).where(eq(users.email, email)))[0]!;
    (await fx.portico.base.db.update(sessions).set({ reauthenticatedAt: new Date(Date.now() - 6 * 60_000) }).where(eq(sessions.userId, user.id)));

    await page.goto(`${origin}/account`);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
    await dialog.getByLabel('Password').fill('wrong password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('alert').getByText('That password is not right.').waitFor();
    await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).waitFor();
    await page.close();
  });
  it('keeps to the strict Content-Security-Policy on the Account page (no inline styles)', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspSeen: string[] }).cspSeen = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.sample}`));
    });
    await signIn(page, origin, 'billing@northwind.test');
    await page.goto(`${origin}/account`);
    await page.getByRole('heading', { name: 'Email notifications' }).waitFor();
    await page.getByRole('checkbox').first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { cspSeen: string[] }).cspSeen)).toEqual([]);
    await page.close();
  });
});
