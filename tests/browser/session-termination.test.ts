import type { Browser } from 'playwright-core';
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

describe('live session termination', () => {
  it('tells an open tab at once when its session is ended from another browser', async () => {
    const laptop = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36' });
    const phone = await browser.newContext({
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1',
      viewport: { width: 390, height: 844 },
    });
    const a = await laptop.newPage();
    const b = await phone.newPage();
    await signIn(a, origin, 'billing@northwind.test');
    await expect.poll(() => a.getByRole('status').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    await signIn(b, origin, 'billing@northwind.test');
    await b.goto(`${origin}/account`);
    const end = b.getByRole('button', { name: /^End session: Desktop/ });
    await end.waitFor();
    await end.click();
    await a.waitForURL(/\/sign-in$/, { timeout: 5_000 });
    await a.getByText('Your session was ended from another device.').waitFor({ timeout: 5_000 });
    // The ended session is dead for every call, not only for the socket.
    const me = await a.evaluate(() => fetch('/trpc/auth.me').then((r) => r.json()));
    expect(me.result.data).toBeNull();
    // The phone's own session goes on.
    await b.reload();
    await b.getByRole('heading', { name: 'Active sessions' }).waitFor();
    await laptop.close();
    await phone.close();
  });
});

describe('session limit', () => {
  it('asks to end a session when a second phone signs in (1 mobile session), then signs in', async () => {
    const phoneUa = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/156.0 Mobile Safari/537.36';
    const first = await browser.newContext({ userAgent: phoneUa, viewport: { width: 390, height: 844 } });
    const second = await browser.newContext({ userAgent: phoneUa, viewport: { width: 390, height: 844 } });
    const a = await first.newPage();
    await signIn(a, origin, 'technical@acme-dental.test');
    await expect.poll(() => a.getByRole('status').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');

    const b = await second.newPage();
    await b.goto(`${origin}/sign-in`);
    await b.getByLabel('Email address').fill('technical@acme-dental.test');
    await b.getByRole('button', { name: 'Continue' }).click();
    await b.getByLabel('Password').fill(DEMO_PASSWORD);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b.getByRole('heading', { name: 'Too many active sessions' }).waitFor();
    const end = b.getByRole('button', { name: /^End session: Mobile Chrome/ });
    expect(await end.count()).toBe(1);
    await end.click();
    await b.getByRole('navigation', { name: 'Main' }).waitFor();
    await a.getByText('Your session was ended from another device.').waitFor({ timeout: 5_000 });
    await first.close();
    await second.close();
  });
});
