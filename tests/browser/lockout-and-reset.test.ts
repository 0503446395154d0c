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
  it('says "locked" after 7 failures, alike for an unknown email, and a reset link unlocks it once', async () => {
    const page = await browser.newPage();
    const email = 'standard@northwind.test';
    const real: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 7; i++) real.push(await tryPassword(page, email, `wrong-guess-${i}`));
    // Locked now (seed 001): the person is told so, and how to unlock; the right password gets the same words.
    real.push(await tryPassword(page, email, DEMO_PASSWORD));
    expect(new Set(real.slice(0, 6)).size).toBe(1);
    expect(real[6]).toMatch(/^This account is locked.*"Forgot password\?".*administrator/);
    expect(real[7]).toBe(real[6]);
    // An unknown address gets the same messages at the same attempts.
    for (let i = 0; i < 8; i++) unknown.push(await tryPassword(page, 'ghost@northwind.test', `whatever-it-is-${i}`));
    expect(unknown).toEqual(real);

    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    // The email typed on the sign-in step is carried over.
    await page.getByRole('heading', { name: 'Forgot password?' }).waitFor();
    expect(await page.getByLabel('Email address').inputValue()).toBe(email);
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
    expect(await page.getByText('This password is too common').count()).toBe(1);
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
