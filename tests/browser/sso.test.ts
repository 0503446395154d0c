import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { createContact } from '../../server/people/create-contact';
import { asDemoUser } from '../helpers/demo-actors';
import { startTestIdp, type TTestIdp } from '../helpers/oidc-idp';
import { addTestIdentityProvider, companyId } from '../helpers/sso-setup';
import { enrollTotp, signInWithTotp, startPortalFixture, type TPortalFixture } from './portal-fixture';

/*
 * Single sign-on in headless Chromium through a real OpenID Connect provider (oidc-provider
 * on loopback, its own login page): several accounts, no match, enforced SSO, IdP-initiated
 * sign-in, the hidden sign-in page, a tampered ID token, and the admin page that sets it up.
 */
let fx: TPortalFixture;
let idp: TTestIdp;
let sso: Awaited<ReturnType<typeof addTestIdentityProvider>>;
let acme: number;
let northwind: number;

beforeAll(async () => {
  idp = await startTestIdp();
  fx = await startPortalFixture({ SESSION_LIMIT_DESKTOP: '20' });
  acme = await companyId(fx.portico, 'Acme Dental');
  northwind = await companyId(fx.portico, 'Northwind Logistics');
  sso = await addTestIdentityProvider(fx.portico, idp, {
    displayName: 'Test IdP',
    companies: [
      { companyId: acme, mode: 'both' },
      { companyId: northwind, mode: 'both' },
    ],
  });
  for (const email of ['primary@acme-dental.test', 'nobody@acme-dental.test', 'billing@northwind.test', 'technical@acme-dental.test']) {
    idp.setAccount({ login: email.split('@')[0]!, sub: `sub-${email}`, email, emailVerified: true });
  }
});
afterAll(async () => {
  await fx?.stop();
  await idp?.stop();
});

/** A fresh browser (no cookies at the portal or the provider). */
async function freshPage(): Promise<Page> {
  const context = await fx.browser.newContext();
  return context.newPage();
}

/** The provider's own login page: the email from login_hint is already in "Username". */
async function signInAtProvider(page: Page, login?: string): Promise<void> {
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  expect(new URL(page.url()).origin).toBe(idp.issuer);
  if (login) await page.getByLabel('Username').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function emailStep(page: Page, email: string): Promise<void> {
  await page.goto(`${fx.origin}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('single sign-on in the browser', () => {
  it('signs in through the provider and asks to choose when the email has several accounts', async () => {
    await createContact(await asDemoUser(fx.portico.base, 'admin@demo-msp.test'), { companyId: northwind, name: 'Pat Primary', email: 'primary@acme-dental.test', types: ['standard'] });
    const page = await freshPage();
    await emailStep(page, 'primary@acme-dental.test');
    // Seed 002: both the SSO button and the password form.
    await page.getByLabel('Password').waitFor();
    await page.getByRole('button', { name: 'Continue with Test IdP' }).click();
    await signInAtProvider(page);
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByRole('button', { name: /Northwind Logistics/ }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.context().close();
  });

  it('brings a person with no matching account back to sign in with their portal user account', async () => {
    const page = await freshPage();
    await emailStep(page, 'nobody@acme-dental.test');
    await page.getByRole('button', { name: 'Continue with Test IdP' }).click();
    await signInAtProvider(page);
    await page.getByRole('alert').filter({ hasText: 'Log in with your Client Portal user account' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('Email address').waitFor();
    await page.context().close();
  });

  it('hides the password form when SSO is enforced, and signs in through the provider', async () => {
    await sso.save({ companies: [{ companyId: acme, mode: 'both' }, { companyId: northwind, mode: 'sso' }] });
    try {
      const page = await freshPage();
      await emailStep(page, 'billing@northwind.test');
      await page.getByText('Your service provider has set up single sign-on for this address.').waitFor();
      expect(await page.getByLabel('Password').count()).toBe(0);
      await page.getByRole('button', { name: 'Continue with Test IdP' }).click();
      await signInAtProvider(page);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.context().close();

      // The password is refused server side too, even through /sign-in?local=1.
      const other = await freshPage();
      await other.goto(`${fx.origin}/sign-in?local=1`);
      await other.getByLabel('Email address').fill('billing@northwind.test');
      await other.getByRole('button', { name: 'Continue' }).click();
      await other.getByLabel('Password').fill(DEMO_PASSWORD);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByRole('alert').filter({ hasText: 'requires single sign-on' }).waitFor();
      await other.context().close();
    } finally {
      await sso.save({ companies: [{ companyId: acme, mode: 'both' }, { companyId: northwind, mode: 'both' }] });
    }
  });

  it('signs in from the identity provider dashboard (IdP-initiated)', async () => {
    const iss = encodeURIComponent(idp.issuer);
    const target = encodeURIComponent(`${fx.origin}/tickets`);
    idp.dashboardTiles.splice(0, idp.dashboardTiles.length, { name: 'Client Portal', url: `${fx.origin}/auth/oidc/${sso.id}/initiate?iss=${iss}&target_link_uri=${target}` });
    const page = await freshPage();
    await page.goto(idp.dashboardUrl);
    await page.getByRole('link', { name: 'Client Portal' }).click();
    await signInAtProvider(page, 'technical');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tickets');
    await page.context().close();
  });

  it('goes straight to the provider when the sign-in page is hidden; ?local=1 still shows it', async () => {
    await sso.save({ hideSignInPage: true });
    try {
      const page = await freshPage();
      await page.goto(`${fx.origin}/sign-in`);
      await signInAtProvider(page, 'technical');
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      // Signing out shows the sign-in page; it does not bounce straight back through the provider.
      await page.getByRole('button', { name: 'Terry Technical' }).click();
      await page.getByRole('menuitem', { name: 'Sign Out' }).click();
      await page.getByLabel('Email address').waitFor();
      expect(new URL(page.url()).origin).toBe(fx.origin);
      await page.context().close();
      const local = await freshPage();
      await local.goto(`${fx.origin}/sign-in?local=1`);
      await local.getByLabel('Email address').waitFor();
      expect(new URL(local.url()).origin).toBe(fx.origin);
      await local.context().close();
    } finally {
      await sso.save({ hideSignInPage: false });
    }
  });

  it('refuses a tampered ID token (wrong audience)', async () => {
    idp.tamper = 'audience';
    try {
      const page = await freshPage();
      await emailStep(page, 'technical@acme-dental.test');
      await page.getByRole('button', { name: 'Continue with Test IdP' }).click();
      await signInAtProvider(page);
      await page.getByRole('alert').filter({ hasText: 'Signing in with Test IdP did not work' }).waitFor();
      await page.context().close();
    } finally {
      idp.tamper = null;
    }
  });

  it('lets a staff admin add an identity provider, refusing an issuer without discovery', async () => {
    const key = await enrollTotp(fx.portico, 'admin@demo-msp.test');
    const page = await freshPage();
    await signInWithTotp(page, fx.origin, 'admin@demo-msp.test', key);
    await page.goto(`${fx.origin}/staff/admin`);
    await page.getByRole('link', { name: 'Single sign-on' }).click();
    await page.getByRole('heading', { name: 'Single sign-on', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add identity provider' }).click();
    // No provider is chosen for the admin, so no preset's name is in the button name...
    expect(await page.getByLabel('Identity provider', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Button name').inputValue()).toBe('');
    // ...and a name typed first stays when the admin picks "Other OpenID Connect provider".
    await page.getByLabel('Button name').fill('Second IdP');
    await page.getByLabel('Identity provider', { exact: true }).selectOption('oidc');
    expect(await page.getByLabel('Button name').inputValue()).toBe('Second IdP');
    // The redirect URI is on the form before the first save, from the name the admin may change.
    expect(await page.getByLabel('Name in the redirect URI').inputValue()).toBe('second-idp');
    const redirectUri = `${fx.origin}/auth/oidc/second-idp/callback`;
    await page.getByText(redirectUri).waitFor();
    // What the provider must be set up for is beside the form.
    await page.getByText('openid email profile').waitFor();
    await page.getByText('email_verified: true').waitFor();
    await page.getByLabel('Token endpoint authentication').selectOption('client_secret_post');
    await page.getByLabel('Issuer URL').fill(`${idp.issuer}/no-such-issuer`);
    await page.getByLabel('Client ID').fill('second-client');
    await page.getByLabel('Client secret').fill('second-secret');
    await page.getByLabel('Sign-in options for Acme Dental').selectOption('both');
    await page.getByRole('button', { name: 'Save identity provider' }).click();
    // Once, with the URL tried and the status.
    const failure = page.getByRole('alert').filter({ hasText: "Could not read the provider's discovery document" });
    await failure.waitFor();
    expect(await failure.count()).toBe(1);
    expect(await failure.textContent()).toContain(`${idp.issuer}/no-such-issuer/.well-known/openid-configuration: the server answered HTTP 404`);

    await page.getByLabel('Issuer URL').fill(idp.issuer);
    await page.getByRole('button', { name: 'Save identity provider' }).click();
    await page.getByRole('status').filter({ hasText: `Register this redirect URI at the provider: ${redirectUri}` }).waitFor();
    await page.getByRole('list', { name: 'Identity providers' }).getByText('Second IdP').waitFor();
    // The list says who uses it, and how.
    await page.getByRole('list', { name: 'Who signs in with Second IdP' }).getByText('Acme Dental: Password or SSO').waitFor();
    // The secret is never sent back to the page.
    await page.getByRole('button', { name: 'Edit Second IdP' }).click();
    expect(await page.getByLabel('Client secret').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // "Test sign-in" runs the flow for the admin and reports what came back, signing nobody in.
    await idp.registerClient({ clientId: 'second-client', clientSecret: 'second-secret', redirectUri });
    idp.setAccount({ login: 'technical', sub: 'sub-technical@acme-dental.test', email: 'technical@acme-dental.test', emailVerified: true, name: 'Terry Technical' });
    await page.getByRole('button', { name: 'Test sign-in with Second IdP' }).click();
    await signInAtProvider(page, 'technical');
    await page.getByRole('heading', { name: 'Test sign-in with Second IdP' }).waitFor();
    const claims = page.getByRole('table', { name: 'Claims received' });
    for (const value of ['technical@acme-dental.test', 'true', 'Terry Technical', 'sub-technical@acme-dental.test']) {
      await claims.getByRole('cell', { name: value, exact: true }).waitFor();
    }
    await page.getByRole('status').filter({ hasText: 'Would sign in technical@acme-dental.test: Acme Dental' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    // Still the admin, on the same page.
    await page.getByRole('heading', { name: 'Single sign-on', level: 1 }).waitFor();
    await page.context().close();

    // The new provider works end to end once the redirect URI is registered there.
    const user = await freshPage();
    await emailStep(user, 'technical@acme-dental.test');
    await user.getByRole('button', { name: 'Continue with Second IdP' }).click();
    await signInAtProvider(user);
    await user.getByRole('navigation', { name: 'Main' }).waitFor();
    await user.context().close();
  });
});
