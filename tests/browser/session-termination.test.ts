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

  it('names each session in the prompt by browser and system with versions, when it signed in and when it was last active', async () => {
    const desktops = [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.6533.88 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    ];
    const contexts = [];
    for (const userAgent of desktops) {
      const context = await browser.newContext({ userAgent, locale: 'en-US' });
      contexts.push(context);
      await signIn(await context.newPage(), origin, 'primary@northwind.test');
    }
    const fourth = await browser.newContext({ locale: 'en-US' });
    contexts.push(fourth);
    const page = await fourth.newPage();
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Email address').fill('primary@northwind.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Too many active sessions' }).waitFor();
    const rows = await page.getByRole('listitem').allTextContents();
    expect(rows).toHaveLength(3);
    for (const name of ['Chrome 127 on Windows 10', 'Safari 17 on macOS 10.15.7', 'Firefox 128 on Linux']) {
      const row = rows.find((r) => r.includes(`Desktop · ${name}`));
      expect(row, name).toBeDefined();
      expect(row).toMatch(/signed in \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M · last active \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M/);
    }
    expect(new Set(rows).size).toBe(3);
    await page.getByRole('button', { name: /^End session: Desktop Firefox 128 on Linux, signed in .+, last active / }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    for (const context of contexts) await context.close();
  });
});
