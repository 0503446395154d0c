import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { users } from '../../db/schema/people';
import { beginTotpSetup, confirmTotpSetup } from '../../server/auth/totp';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { startPortico, type TPortico } from '../../server/app';
import { loadSettings } from '../../server/settings';
import { testDatabase } from '../helpers/test-database';
import { cspViolations, launchChromium } from './chromium';

export interface TPortalFixture {
  portico: TPortico;
  browser: Browser;
  /** The portal's own origin (http://localhost:<port>), the one its WebSocket accepts. */
  origin: string;
  stop(): Promise<void>;
}

/** The real server with demo data on a fresh database (SQLite file, or PostgreSQL in `npm run test:pg`), and headless Chromium. */
export async function startPortalFixture(extra: Record<string, string> = {}): Promise<TPortalFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-browser-'));
  const database = await testDatabase(dir);
  const settings = loadSettings(
    { NODE_ENV: 'test', PORT: '0', SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', ...database.env, DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent', ...extra },
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
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      // The strict CSP must hold on every page a test walked.
      if (cspViolations.length) throw new Error(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
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
  // The signed-in frame's header (a staff member who must set up 2FA sees no navigation yet).
  await page.getByRole('banner').waitFor();
}

/** A TOTP code for a base32 key at a 30-second step (what an authenticator app shows). */
export function totpCode(keyBase32: string, step = Math.floor(Date.now() / 30_000)): string {
  return generateHOTP(decodeBase32IgnorePadding(keyBase32), BigInt(step), 6);
}

/**
 * Turns on TOTP for a user through the services (staff must have it) and returns the key,
 * so a browser test can sign a staff member in without walking through setup each time.
 */
export async function enrollTotp(portico: TPortico, email: string): Promise<string> {
  const user = (await portico.base.db.select().from(users).where(eq(users.email, email)))[0];
  if (!user) throw new Error(`no user ${email}`);
  const { key } = await beginTotpSetup(portico.base, user.id);
  // The previous step, so the sign-in code (current step) is still unused.
  await confirmTotpSetup(portico.base, user.id, totpCode(key, Math.floor(Date.now() / 30_000) - 1));
  return key;
}

/** Password, then the authenticator code: ends on a signed-in page. */
export async function signInWithTotp(page: Page, origin: string, email: string, key: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(/6-digit code/).fill(totpCode(key));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
