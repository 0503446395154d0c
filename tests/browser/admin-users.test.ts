import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { signInWithPassword } from '../../server/auth/sign-in';
import { enrollTotp, signIn, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

let fx: TPortalFixture;
let browser: Browser;
let origin: string;
let adminContext: BrowserContext;
/** The staff admin, signed in once: a TOTP code is accepted only once. */
let admin: Page;

beforeAll(async () => {
  fx = await startPortalFixture();
  ({ browser, origin } = fx);
  const key = await enrollTotp(fx.portico, 'admin@demo-msp.test');
  adminContext = await browser.newContext();
  admin = await adminContext.newPage();
  await signInWithTotp(admin, origin, 'admin@demo-msp.test', key);
});
afterAll(() => fx?.stop());

/** Opens Users from the staff navigation and narrows it to one person. */
async function openUser(email: string) {
  await admin.goto(`${origin}/`);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await admin.getByRole('heading', { name: 'Users' }).waitFor();
  await admin.getByLabel('Search').fill(email);
  const row = admin.getByRole('row').filter({ hasText: email });
  await expect.poll(() => admin.getByRole('row').count(), { timeout: 5_000 }).toBe(2);
  return row;
}

describe('staff admin: Users', () => {
  it("ends a contact's sessions, and their open tab is told at once", async () => {
    const contactContext = await browser.newContext();
    const contact = await contactContext.newPage();
    await signIn(contact, origin, 'standard@acme-dental.test');
    await expect.poll(() => contact.getByRole('status').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('live');

    const row = await openUser('standard@acme-dental.test');
    await expect(row.getByRole('cell', { name: 'Acme Dental · Contact' }).isVisible()).resolves.toBe(true);
    await admin.getByRole('button', { name: 'End sessions of Sam Standard, standard@acme-dental.test' }).click();

    await contact.waitForURL(/\/sign-in$/, { timeout: 5_000 });
    await contact.getByText('Your session was ended by an administrator.').waitFor({ timeout: 5_000 });
    await admin.getByText('Ended 1 session of Sam Standard.').waitFor();
    await contactContext.close();
  });

  it('unlocks a locked account so its owner can sign in, and the Security log shows it', async () => {
    const email = 'billing@acme-dental.test';
    const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '203.0.113.5' };
    for (let i = 0; i < 6; i++) {
      await expect(signInWithPassword(fx.portico.base, { email, password: `wrong-${i}` }, meta)).rejects.toThrow('did not work');
    }
    await expect(signInWithPassword(fx.portico.base, { email, password: 'wrong-6' }, meta)).rejects.toThrow('This account is locked');
    await expect(signInWithPassword(fx.portico.base, { email, password: DEMO_PASSWORD }, meta)).rejects.toThrow('This account is locked');

    const row = await openUser(email);
    await row.getByText('Locked').waitFor();
    await row.getByText('7 failed attempts').waitFor();
    await admin.getByRole('button', { name: `Unlock Bailey Billing, ${email}` }).click();
    await admin.getByText('Bailey Billing is unlocked and can sign in again.').waitFor();
    await expect.poll(() => row.getByText('Locked').count()).toBe(0);

    const contactContext = await browser.newContext();
    const contact = await contactContext.newPage();
    await signIn(contact, origin, email);
    await contactContext.close();

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Administration' }).click();
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security log' }).click();
    await admin.getByLabel('Event').selectOption({ label: 'Account unlocked' });
    const entry = admin.getByRole('row').filter({ hasText: 'Account unlocked' }).filter({ hasText: email });
    await entry.waitFor();
    await expect(entry.getByRole('cell', { name: 'Bailey Billing' }).isVisible()).resolves.toBe(true);
    await expect(entry.textContent()).resolves.toContain('by Alex Admin');
    // Filtered to one kind: every row under the header is that kind.
    const kinds = await admin.locator('tbody tr td[data-label="Event"]').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['Account unlocked']));
  });

  it('refuses a technician, who sees no admin links either', async () => {
    const key = await enrollTotp(fx.portico, 'tech@demo-msp.test');
    const context = await browser.newContext();
    const tech = await context.newPage();
    await signInWithTotp(tech, origin, 'tech@demo-msp.test', key);
    const nav = tech.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Tickets' }).click();
    await expect(nav.getByRole('link', { name: 'Outgoing mail' }).isVisible()).resolves.toBe(true);
    expect(await nav.getByRole('button', { name: 'Administration' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await tech.goto(`${origin}/staff/users`);
    await tech.getByRole('alert').filter({ hasText: 'This needs a staff administrator.' }).waitFor();
    await context.close();
  });
});
