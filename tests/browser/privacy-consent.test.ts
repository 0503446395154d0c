import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema/people';
import { privacyConsents } from '../../db/schema/privacy';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let adminKey: string;
beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  adminKey = await enrollTotp(fx.portico, 'admin@demo-msp.test');
});
afterAll(() => fx?.stop());

const CONTACT = 'standard@northwind.test';
const POLICY = 'https://demo-msp.test/privacy-policy';
const apiStatus = (page: Page) => page.evaluate(() => fetch('/trpc/tickets.list?input=%7B%7D').then((r) => r.status));

describe('privacy prompts', () => {
  it('lets an admin set the policy and mark a contact, who must accept before anything else', async () => {
    // The admin turns the prompt on and marks the contact on the Privacy page.
    const admin = await browser.newPage();
    await signInWithTotp(admin, origin, 'admin@demo-msp.test', adminKey);
    // Administration is a group of the staff menu; "All settings" opens its index page.
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All settings' }).click();
    await admin.getByRole('main').getByRole('link', { name: 'Privacy', exact: true }).click();
    await admin.getByRole('heading', { name: 'Privacy', exact: true }).waitFor();
    await admin.getByLabel('Privacy policy URL').fill('javascript:alert(1)');
    await admin.getByLabel('Policy version').fill('2026-11');
    // The browser's own URL check would stop the form first; turn it off to see the server's answer.
    await admin.locator('form').first().evaluate((f) => f.setAttribute('novalidate', ''));
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Enter a web address starting with https://.').first().waitFor();
    await admin.getByLabel('Privacy policy URL').fill(POLICY);
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Version 2026-11 is now prompted' }).waitFor();
    const row = admin.getByRole('row').filter({ hasText: CONTACT });
    await row.getByLabel('Requires privacy consent').check();
    const flagged = async () => (await fx.portico.base.db.select().from(users).where(eq(users.email, CONTACT)))[0]!.consentRequired;
    await expect.poll(flagged).toBe(true);

    // The contact sees only the policy screen, and the API refuses everything else.
    const page = await browser.newPage();
    await signIn(page, origin, CONTACT);
    await page.getByRole('heading', { name: 'Privacy Policy' }).waitFor();
    const link = page.getByRole('link', { name: 'Read the Privacy Policy' });
    expect(await link.getAttribute('href')).toBe(POLICY);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await page.getByRole('heading', { name: /^Welcome/ }).count()).toBe(0);
    expect(await apiStatus(page)).toBe(403);
    const accept = page.getByRole('button', { name: 'Accept' });
    expect(await accept.isDisabled()).toBe(true);
    await page.getByLabel('I have read and accept the Privacy Policy').check();
    await accept.click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    expect(await apiStatus(page)).toBe(200);
    const rows = (await fx.portico.base.db.select().from(privacyConsents));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ policyVersion: '2026-11' });
    await page.close();

    // The admin sees the acceptance in the history and exports it.
    await admin.goto(`${origin}/staff/privacy`);
    await admin.getByRole('link', { name: 'Privacy Action History' }).click();
    await admin.getByRole('heading', { name: 'Privacy Action History' }).waitFor();
    const entry = admin.getByRole('row').filter({ hasText: CONTACT });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('2026-11');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^privacy-action-history-demo-msp-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('Person,Email,Policy version');
    expect(csv).toContain(`Sam Standard,${CONTACT},2026-11,`);
    await admin.close();
  });

  it('keeps the history and settings from a technician', async () => {
    const key = await enrollTotp(fx.portico, 'tech@demo-msp.test');
    const page = await browser.newPage();
    await signInWithTotp(page, origin, 'tech@demo-msp.test', key);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${origin}/staff/privacy-history`);
    await page.getByRole('alert').filter({ hasText: 'This needs a staff administrator.' }).waitFor();
    await page.close();
  });
});
