import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
});
afterAll(() => fx?.stop());

const stepNow = () => Math.floor(Date.now() / 30_000);
const codeFor = (key: string, step: number) => generateHOTP(decodeBase32IgnorePadding(key), BigInt(step), 6);

async function signOut(page: Page, name: string) {
  await page.getByRole('button', { name }).click();
  await page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

async function passwordStep(page: Page, email: string) {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Two-Factor Authentication' }).waitFor();
}

describe('two-factor authentication', () => {
  it('sets up an authenticator app, then signs in with a code and with a single-use recovery code', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'primary@northwind.test');
    await page.goto(`${origin}/account`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const key = (await page.getByTestId('totp-key').textContent())!.trim();
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    const setupStep = stepNow();
    await page.getByLabel('Enter the 6-digit code').fill(codeFor(key, setupStep));
    await page.getByRole('button', { name: 'Enable 2FA' }).click();
    const region = page.getByRole('region', { name: 'Recovery codes' });
    await region.locator('code').nth(9).waitFor();
    const codes = await region.locator('code').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByText('Two-factor authentication is on').waitFor();
    await signOut(page, 'Pat Primary');

    // The code from setup cannot be used again; the next step's code (one step of drift) works.
    await passwordStep(page, 'primary@northwind.test');
    await page.getByLabel(/6-digit code/).fill(codeFor(key, setupStep));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'That code did not work' }).waitFor();
    await page.getByLabel(/6-digit code/).fill(codeFor(key, setupStep + 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await signOut(page, 'Pat Primary');

    // A recovery code works once.
    for (const attempt of ['ok', 'used'] as const) {
      await passwordStep(page, 'primary@northwind.test');
      await page.getByRole('radio', { name: 'Use a recovery code' }).check();
      await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]!);
      await page.getByRole('button', { name: 'Verify' }).click();
      if (attempt === 'ok') {
        await page.getByRole('navigation', { name: 'Main' }).waitFor();
        await signOut(page, 'Pat Primary');
      } else {
        await page.getByRole('alert').filter({ hasText: 'already used' }).waitFor();
      }
    }
    await page.close();
  });
});

describe('the name menu', () => {
  it('has "2-Factor Auth" (seed 003), which opens the two-factor set-up', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'technical@acme-dental.test');
    await page.getByRole('button', { name: 'Terry Technical' }).click();
    await page.getByRole('menuitem', { name: '2-Factor Auth' }).click();
    await page.getByRole('heading', { name: '2-Factor Auth', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account/two-factor');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).waitFor();
    await page.close();
  });
});

describe('required two-factor authentication', () => {
  it('sends staff to setup at sign-in and lets them reach nothing else until it is done', async () => {
    const page = await browser.newPage();
    await signIn(page, origin, 'tech@demo-msp.test');
    await page.getByRole('heading', { name: 'Two-factor Authentication Setup' }).waitFor();
    // The API refuses too, not only the page.
    const list = await page.evaluate(() => fetch('/trpc/tickets.list?input=%7B%7D').then((r) => r.status));
    expect(list).toBe(403);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const key = (await page.getByTestId('totp-key').textContent())!.trim();
    await page.getByLabel('Enter the 6-digit code').fill(codeFor(key, stepNow()));
    await page.getByRole('button', { name: 'Enable 2FA' }).click();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const after = await page.evaluate(() => fetch('/trpc/tickets.list?input=%7B%7D').then((r) => r.status));
    expect(after).toBe(200);
    await page.close();
  });
});
