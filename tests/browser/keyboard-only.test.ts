import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * One person using only the keyboard (Tab, Enter, typing; no clicks): signs in on a second
 * phone and answers "Too many active sessions", raises a ticket, and replies to it.
 */

let fx: TPortalFixture;

beforeAll(async () => {
  fx = await startPortalFixture();
});
afterAll(() => fx?.stop());

/** The focused element's accessible words: its aria-label, its label, or its text. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as (HTMLElement & { labels?: NodeListOf<HTMLLabelElement> }) | null;
    if (!el || el === document.body) return '';
    return (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || '').trim();
  });

/** Presses Tab until the focus is on a control with this name (at most 80 presses). */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  const matches = (s: string) => (typeof name === 'string' ? s === name : name.test(s));
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (matches(await focusedName(page))) return;
  }
  throw new Error(`Tab never reached "${String(name)}"`);
}

describe('keyboard only', () => {
  it('answers the session-limit prompt, raises a ticket and replies without a click', { timeout: 90_000 }, async () => {
    const phone = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/156.0 Mobile Safari/537.36';
    const first = await fx.browser.newContext({ userAgent: phone, viewport: { width: 390, height: 844 } });
    await signIn(await first.newPage(), fx.origin, 'technical@acme-dental.test');

    const context = await fx.browser.newContext({ userAgent: phone, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${fx.origin}/sign-in`);
    await page.getByLabel('Email address').waitFor();
    await tabTo(page, 'Email address');
    await page.keyboard.type('technical@acme-dental.test');
    await page.keyboard.press('Enter');
    await page.getByLabel('Password').waitFor();
    await tabTo(page, 'Password');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');

    // The prompt takes the focus; the first "End session" button is one Tab away.
    await page.getByRole('heading', { name: 'Too many active sessions' }).waitFor();
    expect(await focusedName(page)).toBe('Too many active sessions');
    await tabTo(page, /^End session: Mobile/);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // On a phone the main menu sits behind its "Menu" disclosure.
    await tabTo(page, 'Menu');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Tickets');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'New Ticket' }).waitFor();
    await tabTo(page, 'New Ticket');
    await page.keyboard.press('Enter');
    await page.getByLabel('Subject').waitFor();
    await tabTo(page, 'Subject');
    await page.keyboard.type('Keyboard-only ticket');
    await tabTo(page, 'Description');
    await page.keyboard.type('Raised without a mouse.');
    await tabTo(page, 'Raise Ticket');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tickets\/\d+$/);
    await page.getByRole('heading', { name: /Keyboard-only ticket/ }).waitFor();

    await tabTo(page, 'Your reply');
    await page.keyboard.type('A reply, also by keyboard.');
    await tabTo(page, 'Reply');
    await page.keyboard.press('Enter');
    await page.locator('.message', { hasText: 'A reply, also by keyboard.' }).waitFor({ timeout: 10_000 });
    await first.close();
    await context.close();
  });
});
