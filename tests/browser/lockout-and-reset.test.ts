import { desc } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { outbox } from '../../db/schema/outbox';
import type { TPortico } from '../../server/app';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let portico: TPortico;
let browser: Browser;
let origin: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ portico, browser, origin } = fx);
});
afterAll(() => fx?.stop());

async function tryPassword(page: Page, email: string, password: string): Promise<string> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

describe('lockout and password reset', () => {
  it('locks after 7 failures with the same generic message, and a reset link unlocks it once', async () => {
    const page = await browser.newPage();
    const email = 'standard@northwind.test';
    const messages = new Set<string>();
    for (let i = 0; i < 7; i++) messages.add(await tryPassword(page, email, `wrong-guess-${i}`));
    // Locked now: the right password fails with the very same words.
    messages.add(await tryPassword(page, email, DEMO_PASSWORD));
    expect(messages.size).toBe(1);
    // An unknown address gets the same message too.
    expect(await tryPassword(page, 'ghost@northwind.test', 'whatever-it-is')).toBe([...messages][0]);

    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('If an account exists for that email, a reset link is on its way.').waitFor();

    const mail = (await portico.base.db.select().from(outbox).orderBy(desc(outbox.id)))[0]!;
    expect(mail.toAddress).toBe(email);
    const link = /https?:\/\/\S+\/reset-password\?token=[a-z2-7]+/.exec(mail.textBody)![0];
    await page.goto(link);
    // The policy is shown next to the field, from the provider's settings.
    await page.getByRole('list', { name: 'Password requirements' }).getByText('Not a common or previously breached password.').waitFor();
    await page.getByLabel('New password', { exact: true }).fill('iloveyou1');
    await page.getByLabel('Confirm new password').fill('iloveyou1');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByText('This password is too common').first().waitFor();
    await page.getByLabel('New password', { exact: true }).fill('my new long secret');
    await page.getByLabel('Confirm new password').fill('my new long secret');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('heading', { name: 'Your password was reset' }).waitFor();

    await signIn(page, origin, email, 'my new long secret');
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();

    // Used once: the page says so before anyone types.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Invalid or expired link' }).waitFor();
    expect(await page.getByLabel('New password', { exact: true }).count()).toBe(0);
    await page.close();
  });
});
