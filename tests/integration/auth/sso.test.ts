import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { identityProviders, ssoLinks } from '../../../db/schema/sso';
import { users } from '../../../db/schema/people';
import { auditEvents } from '../../../db/schema/audit';
import { createCompany } from '../../../server/people/create-company';
import { createContact } from '../../../server/people/create-contact';
import { saveIdentityProvider } from '../../../server/auth/sso/identity-providers';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestIdp, type TTestIdp } from '../../helpers/oidc-idp';
import { CookieJar, followSsoFlow, jarClient } from '../../helpers/sso-flow';
import { addTestIdentityProvider, companyId } from '../../helpers/sso-setup';
import { startTestServer } from '../../helpers/test-server';

/*
 * Single sign-on against a real OpenID Connect provider (oidc-provider on loopback) and the
 * real portal over HTTP: start → the provider's login page → callback → session.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let idp: TTestIdp;
let sso: Awaited<ReturnType<typeof addTestIdentityProvider>>;
let acme: number;
let northwind: number;

beforeAll(async () => {
  idp = await startTestIdp();
  server = await startTestServer({ SESSION_LIMIT_DESKTOP: '50' });
  acme = await companyId(server.portico, 'Acme Dental');
  northwind = await companyId(server.portico, 'Northwind Logistics');
  sso = await addTestIdentityProvider(server.portico, idp, {
    companies: [
      { companyId: acme, mode: 'both' },
      { companyId: northwind, mode: 'both' },
    ],
  });
  idp.setAccount({ login: 'pat', sub: 'sub-pat', email: 'standard@acme-dental.test', emailVerified: true, name: 'Pat' });
});
afterAll(async () => {
  await server?.stop();
  await idp?.stop();
});

/** One browser signing in as `login` from the start route; returns where it ended and its jar. */
async function signInAs(login: string, start = `/auth/oidc/${sso.id}/start`) {
  const jar = new CookieJar();
  const end = await followSsoFlow(`${server.origin}${start}`, { jar, portalOrigin: server.origin, login });
  return { end, jar, client: jarClient(server.origin, jar) };
}

async function refusal(login: string): Promise<string> {
  const { end, client } = await signInAs(login);
  expect(end.location).toMatch(/^\/sign-in\?sso=/);
  const res = await client.sso.resume.mutate({ handoff: end.handoff! });
  if (res.kind !== 'error') throw new Error(`expected a refusal, got ${res.kind}`);
  expect(await client.auth.me.query()).toBeNull();
  return res.message;
}

describe('single sign-on with a real identity provider', () => {
  it('signs in the one matching account and links its sub', async () => {
    const { end, client } = await signInAs('pat');
    expect(end.location).toBe('/');
    const me = await client.auth.me.query();
    expect(me?.user.email).toBe('standard@acme-dental.test');
    expect(me?.account?.kind).toBe('contact');
    const link = (await server.portico.base.db.select().from(ssoLinks).where(eq(ssoLinks.subject, 'sub-pat')))[0];
    expect(link?.userId).toBe(me?.user.id);
    // The visit went through the provider's own login page.
    expect(end.visited.some((u) => u.startsWith(`${idp.issuer}/interaction/`))).toBe(true);
  });

  it('follows the linked sub afterwards, even when the email at the provider changes', async () => {
    idp.setAccount({ login: 'lee', sub: 'sub-lee', email: 'technical@acme-dental.test', emailVerified: true });
    expect((await signInAs('lee')).end.location).toBe('/');
    idp.setAccount({ login: 'lee', sub: 'sub-lee', email: 'billing@acme-dental.test', emailVerified: true });
    const { client } = await signInAs('lee');
    expect((await client.auth.me.query())?.user.email).toBe('technical@acme-dental.test');
  });

  it('asks to choose among several accounts, offering only those the provider applies to', async () => {
    const admin = await asDemoUser(server.portico.base, 'admin@demo-msp.test');
    await createContact(admin, { companyId: northwind, name: 'Pri Mary', email: 'primary@acme-dental.test', types: ['standard'] });
    const contoso = await createCompany(admin, { name: 'Contoso', emailDomains: ['contoso.test'] });
    const outside = await createContact(admin, { companyId: contoso.id, name: 'Pri Mary', email: 'primary@acme-dental.test', types: ['standard'] });
    idp.setAccount({ login: 'pri', sub: 'sub-pri', email: 'primary@acme-dental.test', emailVerified: true });

    const { end, client } = await signInAs('pri');
    expect(end.location).toMatch(/^\/sign-in\?sso=/);
    const res = await client.sso.resume.mutate({ handoff: end.handoff! });
    if (res.kind !== 'signed-in') throw new Error(res.kind);
    expect(res.chosen).toBeNull();
    expect(res.accounts.map((a) => a.label).sort()).toEqual(['Acme Dental', 'Northwind Logistics']);
    // The account of a company the provider does not apply to cannot be chosen.
    await expect(client.auth.chooseAccount.mutate({ kind: 'contact', id: outside.id })).rejects.toThrow(/not available/);
    const northwindAccount = res.accounts.find((a) => a.label === 'Northwind Logistics')!;
    await client.auth.chooseAccount.mutate({ kind: 'contact', id: northwindAccount.id });
    const me = await client.auth.me.query();
    expect(me?.account?.kind === 'contact' && me.account.companyId).toBe(northwind);
    expect(me?.accounts).toHaveLength(2);
    // The handoff was single use.
    expect(await client.sso.resume.mutate({ handoff: end.handoff! })).toMatchObject({ kind: 'error', message: /expired/ });
  });

  it('sends a person without a matching account back to sign in with their portal user account', async () => {
    idp.setAccount({ login: 'nobody', sub: 'sub-nobody', email: 'nobody@acme-dental.test', emailVerified: true });
    expect(await refusal('nobody')).toMatch(/Log in with your Client Portal user account/);
    // Staff are outside this provider (its staff setting is off): no match either.
    idp.setAccount({ login: 'tech', sub: 'sub-tech', email: 'tech@demo-msp.test', emailVerified: true });
    expect(await refusal('tech')).toMatch(/No portal account/);
  });

  it('never matches an unverified email', async () => {
    idp.setAccount({ login: 'unverified', sub: 'sub-unverified', email: 'billing@northwind.test', emailVerified: false });
    expect(await refusal('unverified')).toMatch(/has not verified billing@northwind.test/);
    idp.setAccount({ login: 'silent', sub: 'sub-silent', email: 'billing@northwind.test' });
    expect(await refusal('silent')).toMatch(/has not verified/);
    expect((await server.portico.base.db.select().from(ssoLinks).where(eq(ssoLinks.subject, 'sub-unverified')))[0]).toBeUndefined();
  });

  it("skips the portal's two-factor step by default, and asks for it when the setting is off", async () => {
    const key = await enrollTotp(server.portico, 'standard@northwind.test');
    idp.setAccount({ login: 'nora', sub: 'sub-nora', email: 'standard@northwind.test', emailVerified: true });
    expect((await signInAs('nora')).end.location).toBe('/');

    await sso.save({ skipTwoFactor: false });
    try {
      const { end, client } = await signInAs('nora');
      const res = await client.sso.resume.mutate({ handoff: end.handoff! });
      if (res.kind !== 'two-factor') throw new Error(res.kind);
      expect(res.methods).toContain('totp');
      expect(await client.auth.me.query()).toBeNull();
      const done = await client.auth.completeTwoFactor.mutate({ pendingToken: res.pendingToken, method: 'totp', code: totpCode(key) });
      expect(done.kind).toBe('signed-in');
      expect((await client.auth.me.query())?.user.email).toBe('standard@northwind.test');
    } finally {
      await sso.save({ skipTwoFactor: true });
    }
  });

  it('applies the session limit to SSO sign-ins', async () => {
    const settings = server.portico.base.settings;
    settings.SESSION_LIMIT_DESKTOP = 2;
    try {
      idp.setAccount({ login: 'max', sub: 'sub-max', email: 'technical@northwind.test', emailVerified: true });
      expect((await signInAs('max')).end.location).toBe('/');
      expect((await signInAs('max')).end.location).toBe('/');
      const { end, client } = await signInAs('max');
      const res = await client.sso.resume.mutate({ handoff: end.handoff! });
      if (res.kind !== 'session-limit') throw new Error(res.kind);
      expect(res.sessions).toHaveLength(2);
      const after = await client.auth.continueAfterSessionLimit.mutate({ pendingToken: res.pendingToken, sessionRef: res.sessions[0]!.ref });
      expect(after.kind).toBe('signed-in');
      expect((await client.auth.me.query())?.user.email).toBe('technical@northwind.test');
    } finally {
      settings.SESSION_LIMIT_DESKTOP = 50;
    }
  });

  it('enforced SSO hides the password form for the domain and refuses the password', async () => {
    const anon = jarClient(server.origin, new CookieJar());
    expect(await anon.auth.start.mutate({ email: 'billing@acme-dental.test' })).toMatchObject({ password: true, sso: [{ name: 'Test IdP' }] });
    await sso.save({ companies: [{ companyId: acme, mode: 'sso' }, { companyId: northwind, mode: 'both' }] });
    try {
      const known = await anon.auth.start.mutate({ email: 'billing@acme-dental.test' });
      const unknown = await anon.auth.start.mutate({ email: 'no-such-person@acme-dental.test' });
      expect(known).toMatchObject({ password: false, sso: [{ name: 'Test IdP', url: `/auth/oidc/${sso.id}/start?login_hint=billing%40acme-dental.test` }] });
      // Same answer whether or not the account exists.
      expect({ ...unknown, email: '', sso: unknown.sso.map((b) => b.name) }).toEqual({ ...known, email: '', sso: known.sso.map((b) => b.name) });
      await expect(anon.auth.signInWithPassword.mutate({ email: 'billing@acme-dental.test', password: DEMO_PASSWORD })).rejects.toThrow(
        /requires single sign-on/,
      );
      // A wrong password still gets the usual answer.
      await expect(anon.auth.signInWithPassword.mutate({ email: 'billing@acme-dental.test', password: 'wrong-password' })).rejects.toThrow(/did not work/);
      // Northwind keeps both; an unconfigured domain gets the password form only.
      expect(await anon.auth.start.mutate({ email: 'billing@northwind.test' })).toMatchObject({ password: true });
      expect(await anon.auth.start.mutate({ email: 'someone@elsewhere.test' })).toEqual({ email: 'someone@elsewhere.test', password: true, sso: [] });
      idp.setAccount({ login: 'bill', sub: 'sub-bill', email: 'billing@acme-dental.test', emailVerified: true });
      expect((await signInAs('bill')).end.location).toBe('/');
    } finally {
      await sso.save({ companies: [{ companyId: acme, mode: 'both' }, { companyId: northwind, mode: 'both' }] });
    }
    const ok = await anon.auth.signInWithPassword.mutate({ email: 'billing@acme-dental.test', password: DEMO_PASSWORD });
    expect(ok.kind).toBe('signed-in');
  });

  it('staff SSO enforced: no 2FA setup demanded, password refused, but a staff admin with 2FA may break glass', async () => {
    await sso.save({ staffMode: 'sso', emailDomains: ['demo-msp.test'] });
    try {
      const anon = jarClient(server.origin, new CookieJar());
      expect(await anon.auth.start.mutate({ email: 'tech@demo-msp.test' })).toMatchObject({ password: false });
      await expect(anon.auth.signInWithPassword.mutate({ email: 'tech@demo-msp.test', password: DEMO_PASSWORD })).rejects.toThrow(/single sign-on/);
      const { client } = await signInAs('tech');
      const me = await client.auth.me.query();
      expect(me?.account?.kind).toBe('staff');
      // Seed 001: 2FA is mandatory only when single sign-on is not enabled.
      expect(me?.mustSetUpTwoFactor).toBe(false);
      const key = await enrollTotp(server.portico, 'admin@demo-msp.test');
      const first = await anon.auth.signInWithPassword.mutate({ email: 'admin@demo-msp.test', password: DEMO_PASSWORD });
      if (first.kind !== 'two-factor') throw new Error(first.kind);
      expect((await anon.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) })).kind).toBe('signed-in');
    } finally {
      await sso.save({ staffMode: null, emailDomains: [] });
    }
  });

  it('starts an IdP-initiated sign-in when iss is the provider, and refuses another iss', async () => {
    const target = encodeURIComponent(`${server.origin}/tickets`);
    const good = await signInAs('pat', `/auth/oidc/${sso.id}/initiate?iss=${encodeURIComponent(idp.issuer)}&target_link_uri=${target}`);
    expect(good.end.location).toBe('/tickets');
    expect((await good.client.auth.me.query())?.user.email).toBe('standard@acme-dental.test');

    const evil = await signInAs('pat', `/auth/oidc/${sso.id}/initiate?iss=${encodeURIComponent('https://idp.invalid')}`);
    expect(evil.end.visited.some((u) => u.startsWith(idp.issuer))).toBe(false);
    const res = await evil.client.sso.resume.mutate({ handoff: evil.end.handoff! });
    expect(res).toMatchObject({ kind: 'error', message: /did not come from Test IdP/ });
    // A target on another site is ignored (no open redirect).
    const away = await signInAs('pat', `/auth/oidc/${sso.id}/initiate?iss=${encodeURIComponent(idp.issuer)}&target_link_uri=${encodeURIComponent('https://evil.invalid/')}`);
    expect(away.end.location).toBe('/');
  });

  it.each(['audience', 'nonce', 'issuer', 'expired', 'signature'] as const)('refuses an ID token with a tampered %s', async (how) => {
    idp.tamper = how;
    try {
      expect(await refusal('pat')).toMatch(/Signing in with Test IdP did not work/);
    } finally {
      idp.tamper = null;
    }
  });

  it('refuses a replayed state, and a callback in a browser that did not start the sign-in', async () => {
    const first = await signInAs('pat');
    expect(first.end.location).toBe('/');
    const callback = first.end.visited.find((u) => u.includes('/callback?'))!;
    const replay = await followSsoFlow(callback, { jar: first.jar, portalOrigin: server.origin, login: 'pat' });
    const res = await first.client.sso.resume.mutate({ handoff: replay.handoff! });
    expect(res).toMatchObject({ kind: 'error', message: /expired or was already used/ });

    // Start in one browser; the provider's redirect is opened in another (login CSRF).
    const jar = new CookieJar();
    const res1 = await fetch(`${server.origin}/auth/oidc/${sso.id}/start`, { redirect: 'manual' });
    const other = await followSsoFlow(res1.headers.get('location')!, { jar, portalOrigin: server.origin, login: 'pat' });
    const r2 = await jarClient(server.origin, jar).sso.resume.mutate({ handoff: other.handoff! });
    expect(r2).toMatchObject({ kind: 'error', message: /expired or was already used/ });
  });

  it('reads the email from UserInfo when the ID token carries none', async () => {
    const quiet = await startTestIdp({ emailInIdToken: false });
    try {
      const other = await addTestIdentityProvider(server.portico, quiet, { displayName: 'Quiet IdP', companies: [{ companyId: northwind, mode: 'both' }] });
      quiet.setAccount({ login: 'quinn', sub: 'sub-quinn', email: 'primary@northwind.test', emailVerified: true });
      const jar = new CookieJar();
      const end = await followSsoFlow(`${server.origin}/auth/oidc/${other.id}/start`, { jar, portalOrigin: server.origin, login: 'quinn' });
      expect(end.location).toBe('/');
      expect((await jarClient(server.origin, jar).auth.me.query())?.user.email).toBe('primary@northwind.test');
    } finally {
      await quiet.stop();
    }
  });

  it('refuses an unknown handoff token', async () => {
    const bad = await jarClient(server.origin, new CookieJar()).sso.resume.mutate({ handoff: 'a'.repeat(32) });
    expect(bad).toMatchObject({ kind: 'error', message: /expired/ });
  });

  it('keeps the client secret sealed and never returns it; refuses an issuer without discovery', async () => {
    const admin = await asDemoUser(server.portico.base, 'admin@demo-msp.test');
    const row = (await server.portico.base.db.select().from(identityProviders).where(eq(identityProviders.id, sso.id)))[0]!;
    expect(row.clientSecretSealed).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const listed = JSON.stringify(await (await import('../../../server/auth/sso/identity-providers')).listIdentityProviders(admin));
    expect(listed).not.toContain(row.clientSecretSealed);
    expect(listed).not.toMatch(/"clientSecret/i);
    // Every change is in the Security log, without the secret.
    const audit = (await server.portico.base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'sso_settings_changed')));
    expect(audit.length).toBeGreaterThan(3);
    expect(audit[0]!.detail).toMatchObject({ action: 'added', identityProvider: 'Test IdP', issuerUrl: idp.issuer, secretChanged: true });
    expect(JSON.stringify(audit)).not.toContain(row.clientSecretSealed);
    await expect(
      saveIdentityProvider(admin, { slug: 'broken', kind: 'oidc', displayName: 'Broken', issuerUrl: `${server.origin}/not-an-issuer`, clientId: 'x', clientSecret: 'y' }, '127.0.0.1'),
    ).rejects.toThrow(/Could not read the provider's discovery document/);
    const technician = await asDemoUser(server.portico.base, 'tech@demo-msp.test');
    await expect(saveIdentityProvider(technician, { kind: 'google', displayName: 'G', issuerUrl: 'https://accounts.google.com', clientId: 'x', clientSecret: 'y' }, 'ip')).rejects.toThrow(
      /administrator/,
    );
  });

  it('sends /sign-in straight to a provider that hides the sign-in page, except with ?local=1', async () => {
    await sso.save({ hideSignInPage: true });
    try {
      const hidden = await fetch(`${server.origin}/sign-in`, { redirect: 'manual' });
      expect(hidden.status).toBe(302);
      expect(hidden.headers.get('location')).toBe(`/auth/oidc/${sso.id}/start`);
      const local = await fetch(`${server.origin}/sign-in?local=1`, { redirect: 'manual' });
      expect(local.status).not.toBe(302);
      expect(await jarClient(server.origin, new CookieJar()).sso.signInPage.query()).toEqual({ redirect: `/auth/oidc/${sso.id}/start` });
    } finally {
      await sso.save({ hideSignInPage: false });
    }
    expect((await fetch(`${server.origin}/sign-in`, { redirect: 'manual' })).status).not.toBe(302);
  });

  it('ends the sessions a provider opened when it is turned off', async () => {
    const { client } = await signInAs('pat');
    expect(await client.auth.me.query()).not.toBeNull();
    await sso.save({ enabled: false });
    try {
      expect(await client.auth.me.query()).toBeNull();
      const res = await fetch(`${server.origin}/auth/oidc/${sso.id}/start`, { redirect: 'manual' });
      expect(res.headers.get('location')).toMatch(/^\/sign-in\?sso=/);
    } finally {
      await sso.save({ enabled: true });
    }
    const user = (await server.portico.base.db.select().from(users).where(eq(users.email, 'standard@acme-dental.test')))[0];
    expect(user).toBeDefined();
  });
});
