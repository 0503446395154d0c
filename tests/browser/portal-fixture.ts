import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../db/seed';
import { startPortico, type TPortico } from '../../server/app';
import { loadSettings } from '../../server/settings';
import { launchChromium } from './chromium';

export interface TPortalFixture {
  portico: TPortico;
  browser: Browser;
  /** The portal's own origin (http://localhost:<port>), the one its WebSocket accepts. */
  origin: string;
  stop(): Promise<void>;
}

/** The real server with demo data on a fresh SQLite file, and headless Chromium. */
export async function startPortalFixture(): Promise<TPortalFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-browser-'));
  const settings = loadSettings(
    { NODE_ENV: 'test', PORT: '0', SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'p.db'), DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent' },
    '/nonexistent.env',
  );
  const portico = await startPortico(settings);
  const browser = await launchChromium();
  return {
    portico,
    browser,
    origin: settings.publicUrl,
    async stop() {
      await browser.close();
      await portico.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Email-first sign-in through the real pages, ending on a signed-in page. */
export async function signIn(page: Page, origin: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
