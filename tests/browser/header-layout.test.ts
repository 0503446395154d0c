import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTechnical } from '../../server/seed/demo-technical';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let adminKey: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  adminKey = await enrollTotp(fx.portico, 'admin@demo-msp.test');
  await seedTechnical(fx.portico.base);
});
afterAll(() => fx?.stop());

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** The header's height and how many rows its visible parts sit on (a part starting below the first row's bottom starts a new row). */
function headerRows(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector('header')!;
    const parts = [...header.children]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.height > 0);
    let rows = 0;
    let rowBottom = -Infinity;
    for (const r of [...parts].sort((a, b) => a.top - b.top)) {
      if (r.top >= rowBottom) { rows += 1; rowBottom = r.bottom; } else rowBottom = Math.max(rowBottom, r.bottom);
    }
    return { rows, height: header.getBoundingClientRect().height };
  });
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

/** Tabs forward until the named control has focus (the keyboard only, as a person would). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 30; i += 1) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('header at 390 px and 1280 px', () => {
  it('is one row for a contact, with a Menu disclosure on a phone that the keyboard opens, leaves and closes with Escape', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signIn(page, origin, 'primary@acme-dental.test');
    expect(await headerRows(page)).toMatchObject({ rows: 1 });
    expect((await headerRows(page)).height).toBeLessThan(64);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.getAttribute('aria-controls')).toBe('main-nav-list');
    expect(await nav.getByRole('link', { name: 'Finance' }).isVisible()).toBe(false);

    await page.locator('body').focus();
    await tabTo(page, 'Menu');
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('list').first().getByRole('link', { name: 'Home' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Home');
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedName(page)).toBe('Menu');
    expect(await nav.getByRole('link', { name: 'Finance' }).isVisible()).toBe(false);

    // Space opens it too; a followed link closes it and marks the current page.
    await page.keyboard.press('Space');
    await tabTo(page, 'Finance');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/finance$/);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.press('Enter');
    expect(await nav.getByRole('link', { name: 'Finance' }).getAttribute('aria-current')).toBe('page');
    await page.setViewportSize(DESKTOP);
    expect(await headerRows(page)).toMatchObject({ rows: 1 });
    expect(await menu.isVisible()).toBe(false);
    expect(await nav.getByRole('link', { name: 'Technical' }).isVisible()).toBe(true);
    await page.close();
  });

  it('is one row for staff, the console grouped in disclosures operated with the keyboard', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await signInWithTotp(page, origin, 'admin@demo-msp.test', adminKey);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const groups = nav.getByRole('button');
    await nav.getByRole('button', { name: 'Tickets' }).waitFor();
    expect(await headerRows(page)).toMatchObject({ rows: 1 });
    expect((await headerRows(page)).height).toBeLessThan(64);
    // Menu is not shown at this width: the groups are.
    expect((await groups.evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent).map((e) => e.textContent)))).toEqual(['Tickets', 'Clients', 'Administration']);
    for (const name of ['Home', 'Finance', 'Technical']) expect(await nav.getByRole('link', { name, exact: true }).isVisible()).toBe(true);

    const tickets = nav.getByRole('button', { name: 'Tickets' });
    await page.locator('body').focus();
    await tabTo(page, 'Tickets');
    await page.keyboard.press('Enter');
    expect(await tickets.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator(`#${await tickets.getAttribute('aria-controls')}`).isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Ticket feed');
    await page.keyboard.press('Escape');
    expect(await tickets.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedName(page)).toBe('Tickets');
    // Leaving a group by Tab closes it.
    await page.keyboard.press('Enter');
    await tabTo(page, 'Clients');
    expect(await tickets.getAttribute('aria-expanded')).toBe('false');
    await tabTo(page, 'Administration');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Users');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/staff\/users$/);
    expect(await nav.getByRole('button', { name: 'Administration' }).getAttribute('aria-expanded')).toBe('false');

    await page.setViewportSize(PHONE);
    expect(await headerRows(page)).toMatchObject({ rows: 1 });
    expect((await headerRows(page)).height).toBeLessThan(64);
    await page.locator('body').focus();
    await tabTo(page, 'Menu');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Administration');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Users');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('page');
    // Escape closes the innermost disclosure first, then the menu, focus going back each time.
    await page.keyboard.press('Escape');
    expect(await focusedName(page)).toBe('Administration');
    await page.keyboard.press('Escape');
    expect(await focusedName(page)).toBe('Menu');
    expect(await nav.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });
});

describe('badges at 390 px', () => {
  it('keep "In Progress" and "Expires in N days" on one line', async () => {
    const measured: string[] = [];
    // The Standard contact raised the demo ticket that is In Progress; the Primary contact sees a domain expiring in 20 days.
    for (const [email, path, text] of [
      ['standard@acme-dental.test', '/tickets', /In Progress/],
      ['primary@acme-dental.test', '/technical/domains', /Expires in \d+ days?/],
    ] as const) {
      const page = await browser.newPage({ viewport: PHONE });
      await signIn(page, origin, email);
      await page.goto(`${origin}${path}`);
      const badge = page.locator('.badge', { hasText: text }).first();
      await badge.waitFor();
      const { height, fontSize, label } = await badge.evaluate((el) => ({
        height: el.getBoundingClientRect().height,
        fontSize: parseFloat(getComputedStyle(el).fontSize),
        label: el.textContent ?? '',
      }));
      // One line of text with its padding is well under two font sizes; a wrapped badge is over.
      expect(height, label).toBeLessThan(fontSize * 2);
      measured.push(label);
      await page.close();
    }
    expect(measured).toHaveLength(2);
  });
});

describe('the forced two-factor set-up page', () => {
  it('shows only the set-up and Sign Out, and the key in groups of four that copies without spaces', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await signIn(page, origin, 'tech@demo-msp.test');
    await page.getByRole('heading', { name: 'Two-factor Authentication Setup' }).waitFor();
    const header = page.getByRole('banner');
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await header.getByRole('button').allTextContents()).toEqual(['Sign Out']);
    expect(await headerRows(page)).toMatchObject({ rows: 1 });

    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const key = page.getByTestId('totp-key');
    await key.waitFor();
    const groups = await key.locator('span').allTextContents();
    expect(groups).toHaveLength(8);
    for (const g of groups) expect(g).toMatch(/^[A-Z2-7]{4}$/);
    const gaps = await key.locator('span').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).slice(1).map((r, i, all) => i === 0 ? 0 : r.left - all[i - 1]!.right));
    expect(Math.max(...gaps)).toBeGreaterThan(0);
    // What a person copies is the key itself.
    const copied = await key.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return getSelection()!.toString();
    });
    expect(copied).toBe(groups.join(''));

    await header.getByRole('button', { name: 'Sign Out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.close();
  });
});
