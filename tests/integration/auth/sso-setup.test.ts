import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../db/schema/audit';
import { identityProviders, ssoLinks } from '../../../db/schema/sso';
import { open } from '../../../server/core/secret-box';
import { listIdentityProviders, saveIdentityProvider } from '../../../server/auth/sso/identity-providers';
import { readTestReport, startTestSignIn } from '../../../server/auth/sso/test-sign-in';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestIdp, type TTestIdp } from '../../helpers/oidc-idp';
import { CookieJar, followSsoFlow, jarClient } from '../../helpers/sso-flow';
import { addTestIdentityProvider, companyId } from '../../helpers/sso-setup';
import { startTestServer } from '../../helpers/test-server';

/*
 * Setting up single sign-on right the first time (issue 21): the redirect URI known before
 * the first save, the token endpoint authentication methods, "Test sign-in", the discovery
 * failure's words, and what the Security log records for a change.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let idp: TTestIdp;
let acme: number;
let northwind: number;

beforeAll(async () => {
  idp = await startTestIdp();
  server = await startTestServer({ SESSION_LIMIT_DESKTOP: '50' });
  acme = await companyId(server.portico, 'Acme Dental');
  northwind = await companyId(server.portico, 'Northwind Logistics');
  idp.setAccount({ login: 'pat', sub: 'sub-pat', email: 'standard@acme-dental.test', emailVerified: true, name: 'Pat Standard' });
});
afterAll(async () => {
  await server?.stop();
  await idp?.stop();
});

const admin = () => asDemoUser(server.portico.base, 'admin@demo-msp.test');

async function signIn(start: string, login: string) {
  const jar = new CookieJar();
  const end = await followSsoFlow(`${server.origin}${start}`, { jar, portalOrigin: server.origin, login });
  return { end, jar, client: jarClient(server.origin, jar) };
}

describe('single sign-on set-up', () => {
  it('makes the redirect URI from a slug chosen before the first save, and keeps it', async () => {
    const list = await listIdentityProviders(await admin());
    expect(list.redirectUriPattern).toBe(`${server.portico.base.settings.publicUrl}/auth/oidc/<slug>/callback`);
    expect(list.scopes).toBe('openid email profile');
    const sso = await addTestIdentityProvider(server.portico, idp, { slug: 'acme-login', companies: [{ companyId: acme, mode: 'both' }] });
    // The URI registered at the provider before saving is the one the flow uses.
    expect((await signIn(`/auth/oidc/${sso.id}/start`, 'pat')).end.location).toBe('/');
    const row = (await listIdentityProviders(await admin())).identityProviders.find((i) => i.id === sso.id)!;
    expect(row.redirectUri).toBe(`${server.portico.base.settings.publicUrl}/auth/oidc/acme-login/callback`);
    // An edit cannot move it; another provider cannot take it.
    await saveIdentityProvider(await admin(), { id: sso.id, slug: 'other-name', kind: 'oidc', displayName: 'Test IdP', issuerUrl: idp.issuer, clientId: sso.clientId, companies: [{ companyId: acme, mode: 'both' }] }, 'ip');
    expect((await listIdentityProviders(await admin())).identityProviders.find((i) => i.id === sso.id)!.slug).toBe('acme-login');
    await expect(
      saveIdentityProvider(await admin(), { slug: 'acme-login', kind: 'oidc', displayName: 'Twin', issuerUrl: idp.issuer, clientId: 'twin', clientSecret: 's' }, 'ip'),
    ).rejects.toThrow(/uses this name in its redirect URI/);
    await expect(
      saveIdentityProvider(await admin(), { slug: '42', kind: 'oidc', displayName: 'Digits', issuerUrl: idp.issuer, clientId: 'd', clientSecret: 's' }, 'ip'),
    ).rejects.toThrow(/starting with a letter/);
  });

  it.each(['client_secret_basic', 'private_key_jwt'] as const)('signs in with a provider that accepts only %s', async (method) => {
    const sso = await addTestIdentityProvider(server.portico, idp, { displayName: `IdP ${method}`, tokenAuthMethod: method, companies: [{ companyId: northwind, mode: 'both' }] });
    idp.setAccount({ login: 'nora', sub: 'sub-nora', email: 'standard@northwind.test', emailVerified: true });
    const { end, client } = await signIn(`/auth/oidc/${sso.id}/start`, 'nora');
    expect(end.location).toBe('/');
    expect((await client.auth.me.query())?.user.email).toBe('standard@northwind.test');
    const listed = (await listIdentityProviders(await admin())).identityProviders.find((i) => i.id === sso.id)!;
    expect(listed.tokenAuthMethod).toBe(method);
    const jwks = await fetch(`${server.origin}/auth/oidc/${sso.slug}/jwks`);
    if (method === 'private_key_jwt') {
      // The public key is shown and served; the private one never is.
      const body = (await jwks.json()) as { keys: Record<string, string>[] };
      expect(body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(body.keys[0]!.d).toBeUndefined();
      expect(JSON.parse(listed.publicJwk!)).toEqual(body.keys[0]);
      expect(listed.jwksUri).toBe(`${server.portico.base.settings.publicUrl}/auth/oidc/${sso.slug}/jwks`);
    } else {
      expect(jwks.status).toBe(404);
    }
  });

  it('refuses the wrong method, and Test sign-in says why', async () => {
    const sso = await addTestIdentityProvider(server.portico, idp, { displayName: 'Strict IdP', companies: [{ companyId: northwind, mode: 'both' }] });
    const registered = (await server.portico.base.db.select().from(identityProviders).where(eq(identityProviders.id, sso.id)))[0]!;
    const secret = new TextDecoder().decode(open(server.portico.base.settings.secretKey, registered.clientSecretSealed));
    // The provider's admin chose client_secret_basic; the portal still sends client_secret_post.
    await idp.registerClient({ clientId: sso.clientId, clientSecret: secret, redirectUri: `${server.portico.base.settings.publicUrl}/auth/oidc/${sso.slug}/callback`, tokenAuthMethod: 'client_secret_basic' });
    const { end, client } = await signIn(`/auth/oidc/${sso.id}/start`, 'pat');
    expect(await client.sso.resume.mutate({ handoff: end.handoff! })).toMatchObject({ kind: 'error', message: /did not work/ });
    const test = await signIn((await startTestSignIn(await admin(), { id: sso.id })).url, 'pat');
    const report = await readTestReport(await admin(), { report: new URLSearchParams(test.end.location.split('?')[1]).get('report')! });
    expect(report).toMatchObject({ received: false, outcome: 'not-received', error: /invalid_client.*client_secret_basic/ });
  });

  it('"Test sign-in" reports the claims and the match, signs nobody in and links nothing', async () => {
    const sso = await addTestIdentityProvider(server.portico, idp, { displayName: 'Tested IdP', companies: [{ companyId: acme, mode: 'both' }] });
    const { url } = await startTestSignIn(await admin(), { id: sso.id });
    const { end, client } = await signIn(url, 'pat');
    expect(end.location).toMatch(/^\/staff\/sso\?report=[a-z2-7]{32}$/);
    expect(await client.auth.me.query()).toBeNull();
    expect(end.visited.some((u) => u.startsWith(`${idp.issuer}/interaction/`))).toBe(true);
    const token = new URLSearchParams(end.location.split('?')[1]).get('report')!;
    // Only the admin who ran it can read it.
    await expect(readTestReport(await asDemoUser(server.portico.base, 'tech@demo-msp.test'), { report: token })).rejects.toThrow(/administrator/);
    const report = await readTestReport(await admin(), { report: token });
    expect(report).toMatchObject({
      received: true,
      claims: { sub: 'sub-pat', email: 'standard@acme-dental.test', email_verified: 'true', name: 'Pat Standard' },
      emailFrom: 'id_token',
      outcome: 'one-account',
      matchedEmail: 'standard@acme-dental.test',
      accounts: ['Acme Dental'],
    });
    expect((await server.portico.base.db.select().from(ssoLinks).where(eq(ssoLinks.idpId, sso.id)))).toHaveLength(0);
    // Single use.
    await expect(readTestReport(await admin(), { report: token })).rejects.toThrow(/expired/);

    // An unverified email: received, but no match, and why.
    idp.setAccount({ login: 'unv', sub: 'sub-unv', email: 'billing@acme-dental.test', emailVerified: false });
    const second = await signIn((await startTestSignIn(await admin(), { id: sso.id })).url, 'unv');
    const why = await readTestReport(await admin(), { report: new URLSearchParams(second.end.location.split('?')[1]).get('report')! });
    expect(why).toMatchObject({ received: true, claims: { email_verified: 'false' }, outcome: 'no-match', explanation: /email_verified: true/ });
    // A ticket works once.
    const used = await fetch(`${server.origin}${url}`, { redirect: 'manual' });
    expect(used.headers.get('location')).toBe('/staff/sso?report=expired');
  });

  it('says which URL discovery tried and what the server answered', async () => {
    const tryIssuer = (issuerUrl: string) =>
      saveIdentityProvider(admin, { slug: 'broken', kind: 'oidc', displayName: 'Broken', issuerUrl, clientId: 'x', clientSecret: 'y' }, 'ip');
    const admin = await asDemoUser(server.portico.base, 'admin@demo-msp.test');
    await expect(tryIssuer(`${idp.issuer}/no-such-issuer`)).rejects.toThrow(
      `Could not read the provider's discovery document at ${idp.issuer}/no-such-issuer/.well-known/openid-configuration: the server answered HTTP 404 Not Found.`,
    );
    // A web page where the document should be.
    await expect(tryIssuer(`${server.origin}/no-such-issuer`)).rejects.toThrow(
      `discovery document at ${server.origin}/no-such-issuer/.well-known/openid-configuration: the server answered HTTP 200 OK (text/html`,
    );
  });

  it('records what changed in the Security log: companies old mode → new mode, issuer, client id, never the secret', async () => {
    const sso = await addTestIdentityProvider(server.portico, idp, { displayName: 'Logged IdP', companies: [{ companyId: acme, mode: 'both' }] });
    // Turned off, so discovery is not tried for the new issuer.
    await saveIdentityProvider(
      await admin(),
      {
        id: sso.id, kind: 'oidc', displayName: 'Logged IdP', issuerUrl: 'https://login.example.test/tenant', clientId: 'new-client-id', clientSecret: 'brand-new-secret', enabled: false,
        companies: [{ companyId: acme, mode: 'sso' }, { companyId: northwind, mode: 'both' }],
      },
      'ip',
    );
    const last = (await server.portico.base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'sso_settings_changed')).orderBy(desc(auditEvents.id)))[0]!;
    const detail = last.detail as { changes: string[]; clientId: string };
    expect(detail.clientId).toBe('new-client-id');
    expect(detail.changes).toEqual(
      expect.arrayContaining([
        `Issuer URL: ${idp.issuer} → https://login.example.test/tenant`,
        `Client ID: ${sso.clientId} → new-client-id`,
        'Enabled: on → off',
        'Client secret replaced',
        'Acme Dental: Password or SSO → SSO only',
        'Northwind Logistics: Password only → Password or SSO',
      ]),
    );
    expect(JSON.stringify(last)).not.toContain('brand-new-secret');
  });
});
