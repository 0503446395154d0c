import { desc, eq } from 'drizzle-orm';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { auditEvents } from '../../db/schema/audit';
import { users } from '../../db/schema/people';
import { webauthnCredentials } from '../../db/schema/webauthn';
import { signIn, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * Passkeys and security keys through the real pages, with Chromium's virtual authenticator
 * (DevTools protocol, WebAuthn domain) standing in for the platform authenticator or the key.
 * localhost is a secure context, so the RP id is 'localhost' and the origin the fixture's.
 */

let fx: TPortalFixture;
let origin: string;

beforeAll(async () => {
  fx = await startPortalFixture();
  origin = fx.origin;
});
afterAll(() => fx?.stop());

type TVirtual = { cdp: CDPSession; authenticatorId: string };

/** A virtual CTAP2 authenticator with user verification (fingerprint, PIN) that always succeeds. */
async function addAuthenticator(page: Page, opts: { transport: 'internal' | 'usb'; hasResidentKey: boolean }): Promise<TVirtual> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: opts.transport, hasResidentKey: opts.hasResidentKey, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

const userId = async (email: string) => (await fx.portico.base.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const auditKinds = async (email: string) =>
  (await fx.portico.base.db.select().from(auditEvents).where(eq(auditEvents.userId, await userId(email))).orderBy(desc(auditEvents.id)));

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
}

async function addKeyOnAccountPage(page: Page, name: string) {
  await page.goto(`${origin}/account`);
  await page.getByRole('button', { name: 'Add a passkey or security key' }).click();
  await page.getByLabel('Name for this passkey or security key').fill(name);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

describe('passkeys and security keys', () => {
  const email = 'standard@acme-dental.test';
  const person = 'Sam Standard';
  let page: Page;
  let auth: TVirtual;

  it('registers a passkey on the Account page, with recovery codes shown once', async () => {
    page = await fx.browser.newPage();
    auth = await addAuthenticator(page, { transport: 'internal', hasResidentKey: true });
    await signIn(page, origin, email);
    await addKeyOnAccountPage(page, 'Work laptop');
    const region = page.getByRole('region', { name: 'Recovery codes' });
    await region.locator('code').nth(9).waitFor();
    expect(await region.locator('code').allTextContents()).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    const list = page.getByRole('list', { name: 'Your passkeys and security keys' });
    await list.getByText('Work laptop').waitFor();
    await expect(list.getByText(/last used never/).count()).resolves.toBe(1);

    const rows = (await fx.portico.base.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, await userId(email))));
    expect(rows).toHaveLength(1);
    const { credentials } = await auth.cdp.send('WebAuthn.getCredentials', { authenticatorId: auth.authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url')).toBe(rows[0]!.credentialId);
    expect((await auditKinds(email)).map((e) => e.kind)).toContain('passkey_added');

    // Renaming changes only the label.
    await page.getByRole('button', { name: 'Rename Work laptop' }).click();
    await page.getByLabel('New name for Work laptop').fill('My laptop');
    await page.getByRole('button', { name: 'Save name' }).click();
    await list.getByText('My laptop').waitFor();
    await signOut(page, person);
  });

  it('asks for the passkey as the second factor after the password', async () => {
    await passwordStep(page, email);
    await page.getByRole('heading', { name: 'Two-Factor Authentication' }).waitFor();
    // Seed 002's choices: the key, or a recovery code.
    await expect(page.getByRole('radio', { name: 'Security key or passkey' }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: 'Use a recovery code' }).waitFor();
    await page.getByRole('button', { name: 'Use security key or passkey' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const signInEvent = (await auditKinds(email)).find((e) => e.kind === 'sign_in');
    expect(signInEvent?.detail).toMatchObject({ twoFactor: true });
    await signOut(page, person);
  });

  it('signs in with the passkey alone from the first step, and says so clearly when the user cancels', async () => {
    // The authenticator refuses user verification, as when the person cancels the prompt.
    await auth.cdp.send('WebAuthn.setUserVerified', { authenticatorId: auth.authenticatorId, isUserVerified: false });
    await page.goto(`${origin}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'cancelled or timed out' }).waitFor();
    await auth.cdp.send('WebAuthn.setUserVerified', { authenticatorId: auth.authenticatorId, isUserVerified: true });

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(`${origin}/account`);
    await page.getByRole('list', { name: 'Your passkeys and security keys' }).getByText(/last used (?!never)\w/).waitFor();
    await signOut(page, person);
  });

  it('refuses a cloned credential whose counter went backwards, and audits it', async () => {
    const { credentials } = await auth.cdp.send('WebAuthn.getCredentials', { authenticatorId: auth.authenticatorId });
    const original = credentials[0]!;
    const stored = (await fx.portico.base.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, await userId(email))))[0]!;
    expect(original.signCount).toBeGreaterThan(0);
    expect(stored.counter).toBe(original.signCount);

    // A copy of the key made earlier: the same private key, an older counter, in another browser.
    const clonePage = await fx.browser.newPage();
    const clone = await addAuthenticator(clonePage, { transport: 'internal', hasResidentKey: true });
    await clone.cdp.send('WebAuthn.addCredential', { authenticatorId: clone.authenticatorId, credential: { ...original, signCount: 0 } });
    await clonePage.goto(`${origin}/sign-in`);
    await clonePage.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await clonePage.getByRole('alert').filter({ hasText: 'That passkey did not work' }).waitFor();
    const suspicious = (await auditKinds(email)).find((e) => e.kind === 'passkey_counter_suspicious');
    expect(suspicious?.detail).toMatchObject({ storedCounter: original.signCount, receivedCounter: 1 });
    expect((await auditKinds(email))[0]).toMatchObject({ kind: 'sign_in_failed', detail: { step: 'passkey', reason: 'counter' } });
    // The stored counter did not move back.
    expect((await fx.portico.base.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.id, stored.id)))[0]!.counter).toBe(original.signCount);
    await clonePage.close();
  });

  it('removes the passkey, after which it no longer signs in and the password alone does', async () => {
    await page.goto(`${origin}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(`${origin}/account`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove My laptop' }).click();
    await page.getByRole('status').filter({ hasText: 'My laptop was removed.' }).waitFor();
    expect((await fx.portico.base.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, await userId(email))))).toHaveLength(0);
    expect((await auditKinds(email)).map((e) => e.kind)).toContain('passkey_removed');
    await signOut(page, person);

    // The authenticator still holds the key, but the portal no longer knows it.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'That passkey did not work' }).waitFor();
    // An unknown key names nobody: the entry has no user.
    const latest = (await fx.portico.base.db.select().from(auditEvents).orderBy(desc(auditEvents.id)))[0];
    expect(latest).toMatchObject({ kind: 'sign_in_failed', userId: null, detail: { step: 'passkey', reason: 'unknown_credential' } });
    await passwordStep(page, email);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.close();
  });
});

describe('a security key as the required second factor', () => {
  it('lets staff set up 2FA with a USB security key, then asks for it after the password', async () => {
    const email = 'tech@demo-msp.test';
    const page = await fx.browser.newPage();
    // A key without resident credentials: it works as a second factor only.
    const key = await addAuthenticator(page, { transport: 'usb', hasResidentKey: false });
    await signIn(page, origin, email);
    await page.getByRole('heading', { name: 'Two-factor Authentication Setup' }).waitFor();
    await page.getByRole('button', { name: 'Add a passkey or security key' }).click();
    await page.getByLabel('Name for this passkey or security key').fill('YubiKey');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const { credentials } = await key.cdp.send('WebAuthn.getCredentials', { authenticatorId: key.authenticatorId });
    expect(credentials[0]!.isResidentCredential).toBe(false);
    await signOut(page, 'Taylor Tech');

    await passwordStep(page, email);
    await page.getByRole('heading', { name: 'Two-Factor Authentication' }).waitFor();
    await page.getByRole('button', { name: 'Use security key or passkey' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.close();
  });
});
