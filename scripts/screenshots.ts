import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPortico } from '../server/app';
import { loadSettings } from '../server/settings';
import { launchChromium } from '../tests/browser/chromium';
import { enrollTotp, signIn, signInWithTotp } from '../tests/browser/portal-fixture';

/*
 * `npm run screenshots` (after `npm run build`): the demo server on a throw-away SQLite file,
 * and PNGs of the main pages at 390 px and 1280 px, as a Primary contact and as staff, in
 * docs/screenshots/ (<who>-<page>-<width>.png), so the pictures in the docs stay current.
 */

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const WIDTHS = [390, 1280];
const CONTACT_PAGES: [string, string][] = [['home', '/'], ['tickets', '/tickets'], ['new-ticket', '/tickets/new'], ['finance', '/finance'], ['technical', '/technical'], ['contacts', '/contacts'], ['account', '/account']];
const STAFF_PAGES: [string, string][] = [['home', '/'], ['ticket-feed', '/staff/tickets'], ['ticket', '/tickets/1'], ['companies', '/staff/companies'], ['billing', '/staff/finance'], ['technical', '/staff/technical'], ['admin', '/staff/admin']];

async function shoot(browser: Browser, origin: string, who: string, pages: [string, string][], signInAs: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAs(page);
  for (const [name, path] of pages) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${origin}${path}`);
      // Drawn: a heading, nothing left loading, and the live connection up.
      await page.waitForFunction(() => !!document.querySelector('h1') && !/Loading/.test(document.body.innerText), undefined, { timeout: 15_000 });
      await page.locator('.live[data-state="live"]').waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(OUT, `${who}-${name}-${width}.png`), fullPage: true, animations: 'disabled' });
    }
  }
  await context.close();
}

const dir = mkdtempSync(join(tmpdir(), 'portico-screenshots-'));
const settings = loadSettings(
  { NODE_ENV: 'development', PORT: '0', SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'portico.db'), DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent', MAIL_DNS: 'off' },
  '/nonexistent.env',
);
const portico = await startPortico(settings);
const browser = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  const origin = settings.publicUrl;
  await shoot(browser, origin, 'contact', CONTACT_PAGES, (page) => signIn(page, origin, 'primary@acme-dental.test'));
  const key = await enrollTotp(portico, 'admin@demo-msp.test');
  await shoot(browser, origin, 'staff', STAFF_PAGES, (page) => signInWithTotp(page, origin, 'admin@demo-msp.test', key));
  console.log(`Screenshots saved in ${OUT}`);
} finally {
  await browser.close();
  await portico.stop();
  rmSync(dir, { recursive: true, force: true });
}
