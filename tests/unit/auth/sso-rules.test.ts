import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { companies, users } from '../../../db/schema/people';
import { totpCredentials } from '../../../db/schema/two-factor';
import { identityProviderCompanies, identityProviders, type TIdentityProvider, type TSsoMode } from '../../../db/schema/sso';
import { mustSetUpTwoFactor } from '../../../server/auth/two-factor-requirement';
import { system } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { seal } from '../../../server/core/secret-box';
import { createCompany } from '../../../server/people/create-company';
import { createContact } from '../../../server/people/create-contact';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { accountsInScope } from '../../../server/auth/sso/account-scope';
import { matchSsoAccount } from '../../../server/auth/sso/account-matching';
import { consumeHandoff, createHandoff } from '../../../server/auth/sso/handoffs';
import { ZSaveIdentityProviderInput } from '../../../server/auth/sso/schemas';
import { passwordRefusedBySso, signInOptionsFor, ssoReplacesTwoFactor } from '../../../server/auth/sso/sign-in-options';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * The rules behind single sign-on, on a seeded database without any network: which buttons
 * an address sees, who is refused a password, which accounts a provider reaches, how a
 * provider's user is matched, and the single-use handoff. The HTTP flow against a real
 * identity provider is in tests/integration/auth/sso.test.ts.
 */
let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let acme: number;
let northwind: number;

beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
  const id = async (name: string) => (await base.db.select().from(companies).where(eq(companies.name, name)))[0]!.id;
  acme = await id('Acme Dental');
  northwind = await id('Northwind Logistics');
});
afterAll(() => cleanup());

let idpCount = 0;
async function addIdp(values: Partial<TIdentityProvider> & { links?: [number, TSsoMode][] }): Promise<TIdentityProvider> {
  const now = clock.now();
  const { links = [], ...rest } = values;
  const row = (await base.db
    .insert(identityProviders)
    .values({
      providerId: 1,
      slug: `example-${++idpCount}`,
      kind: 'oidc',
      displayName: 'Example',
      issuerUrl: 'https://idp.example',
      clientId: 'c',
      clientSecretSealed: seal(base.settings.secretKey, new TextEncoder().encode('s')),
      createdAt: now,
      updatedAt: now,
      ...rest,
    })
    .returning())[0]!;
  for (const [companyId, mode] of links) (await base.db.insert(identityProviderCompanies).values({ idpId: row.id, companyId, mode }));
  return row;
}
const drop = async (idp: TIdentityProvider) => (await base.db.delete(identityProviders).where(eq(identityProviders.id, idp.id)));
const userId = async (email: string) => (await base.db.select().from(users).where(eq(users.email, email)))[0]!.id;

describe('the email-first step', () => {
  it('offers buttons and the password form by the domain alone', async () => {
    const ms = await addIdp({ kind: 'microsoft', displayName: 'Microsoft', links: [[acme, 'both']] });
    const off = await addIdp({ displayName: 'Disabled', enabled: false, links: [[acme, 'sso']] });
    const staffIdp = await addIdp({ displayName: 'Staff IdP', emailDomains: ['demo-msp.test'], staffMode: 'both' });
    try {
      expect(await signInOptionsFor(base, 'standard@acme-dental.test')).toEqual({
        password: true,
        sso: [{ id: ms.id, name: 'Microsoft', kind: 'microsoft', url: `/auth/oidc/${ms.id}/start?login_hint=standard%40acme-dental.test` }],
      });
      // No account needed: an unknown address of the domain gets the same options.
      expect((await signInOptionsFor(base, 'who@acme-dental.test')).sso.map((b) => b.id)).toEqual([ms.id]);
      expect((await signInOptionsFor(base, 'admin@demo-msp.test')).sso.map((b) => b.name)).toEqual(['Staff IdP']);
      expect(await signInOptionsFor(base, 'standard@northwind.test')).toEqual({ password: true, sso: [] });
      expect(await signInOptionsFor(base, 'x@unknown.test')).toEqual({ password: true, sso: [] });
    } finally {
      for (const idp of [ms, off, staffIdp]) await drop(idp);
    }
  });

  it('hides the password form only when every owner of the domain enforces SSO', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const idp = await addIdp({ links: [[acme, 'sso']] });
    try {
      expect((await signInOptionsFor(base, 'a@acme-dental.test')).password).toBe(false);
      const twin = await createCompany(admin, { name: 'Acme Dental Lab', emailDomains: ['acme-dental.test'] });
      expect((await signInOptionsFor(base, 'a@acme-dental.test')).password).toBe(true);
      (await base.db.update(companies).set({ archivedAt: clock.now() }).where(eq(companies.id, twin.id)));
      expect((await signInOptionsFor(base, 'a@acme-dental.test')).password).toBe(false);
    } finally {
      await drop(idp);
    }
  });
});

describe('enforced SSO', () => {
  it('refuses the password to accounts of an enforced company, and lifts 2FA setup only when the provider handles it', async () => {
    (await base.db.update(companies).set({ require2fa: true }).where(eq(companies.id, northwind)));
    const contact = (await asDemoUser(base, 'billing@northwind.test')).actor;
    expect(await mustSetUpTwoFactor(base, contact)).toBe(true);
    const idp = await addIdp({ links: [[northwind, 'sso']], skipTwoFactor: false });
    try {
      expect(await passwordRefusedBySso(base, await userId('billing@northwind.test'))).toMatch(/requires single sign-on/);
      expect(await passwordRefusedBySso(base, await userId('billing@acme-dental.test'))).toBeNull();
      // The provider does not handle 2FA: the portal's own is still required.
      expect(await ssoReplacesTwoFactor(base, contact)).toBe(false);
      expect(await mustSetUpTwoFactor(base, contact)).toBe(true);
      (await base.db.update(identityProviders).set({ skipTwoFactor: true }).where(eq(identityProviders.id, idp.id)));
      expect(await mustSetUpTwoFactor(base, contact)).toBe(false);
      (await base.db.update(identityProviderCompanies).set({ mode: 'both' }));
      // Password still possible: the portal's 2FA stays required.
      expect(await passwordRefusedBySso(base, await userId('billing@northwind.test'))).toBeNull();
      expect(await mustSetUpTwoFactor(base, contact)).toBe(true);
    } finally {
      await drop(idp);
      (await base.db.update(companies).set({ require2fa: false }).where(eq(companies.id, northwind)));
    }
  });

  it('lets a staff administrator with a second factor break glass, but not a technician', async () => {
    const idp = await addIdp({ staffMode: 'sso' });
    try {
      expect(await passwordRefusedBySso(base, await userId('tech@demo-msp.test'))).not.toBeNull();
      expect(await passwordRefusedBySso(base, await userId('admin@demo-msp.test'))).not.toBeNull();
      // An authenticator app set up (the key itself does not matter here).
      (await base.db.insert(totpCredentials).values({ userId: await userId('admin@demo-msp.test'), encryptedKey: 'k', confirmedAt: clock.now(), createdAt: clock.now() }));
      expect(await passwordRefusedBySso(base, await userId('admin@demo-msp.test'))).toBeNull();
      expect(await passwordRefusedBySso(base, await userId('tech@demo-msp.test'))).not.toBeNull();
    } finally {
      await drop(idp);
    }
  });
});

describe('which accounts a provider reaches', () => {
  it("never another MSP's staff or companies, nor companies it is not linked to", async () => {
    const sys = withActor(base, system);
    const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp', currency: 'USD' });
    // The same person is staff of the other MSP and a contact of Acme Dental and Northwind.
    await createStaffMember(sys, other.id, { name: 'Sam', email: 'standard@acme-dental.test', role: 'admin' });
    await createContact(await asDemoUser(base, 'admin@demo-msp.test'), { companyId: northwind, name: 'Sam', email: 'standard@acme-dental.test', types: ['standard'] });
    const idp = await addIdp({ staffMode: 'both', links: [[acme, 'both']] });
    try {
      const labels = (await accountsInScope(base, idp.id, await userId('standard@acme-dental.test'))).map((a) => a.label);
      expect(labels).toEqual(['Acme Dental']);
      (await base.db.update(identityProviders).set({ enabled: false }).where(eq(identityProviders.id, idp.id)));
      expect(await accountsInScope(base, idp.id, await userId('standard@acme-dental.test'))).toEqual([]);
    } finally {
      await drop(idp);
    }
  });
});

describe('matching the provider user', () => {
  it('needs a verified email, takes xms_edov from Microsoft only, and then follows the linked sub', async () => {
    const generic = await addIdp({ links: [[acme, 'both']] });
    const ms = await addIdp({ kind: 'microsoft', displayName: 'Microsoft', links: [[acme, 'both']] });
    try {
      const email = 'technical@acme-dental.test';
      expect(await matchSsoAccount(base, generic, { sub: 'g1', email }, 'ip')).toMatchObject({ ok: false, reason: 'email_unverified' });
      expect(await matchSsoAccount(base, generic, { sub: 'g1', email, email_verified: 'true' }, 'ip')).toMatchObject({ ok: false });
      expect(await matchSsoAccount(base, generic, { sub: 'g1', email, xms_edov: true }, 'ip')).toMatchObject({ ok: false });
      expect(await matchSsoAccount(base, ms, { sub: 'm1', email: email.toUpperCase(), xms_edov: true }, 'ip')).toMatchObject({ ok: true, linked: true });
      expect(await matchSsoAccount(base, generic, { sub: 'g1', email, email_verified: true }, 'ip')).toMatchObject({ ok: true, linked: true });
      // Later: the link wins over whatever email the provider now sends, verified or not.
      expect(await matchSsoAccount(base, generic, { sub: 'g1', email: 'primary@acme-dental.test', email_verified: false }, 'ip')).toEqual({
        ok: true,
        userId: await userId(email),
        linked: false,
      });
      expect(await matchSsoAccount(base, generic, { sub: 'g2', email: 'nobody@acme-dental.test', email_verified: true }, 'ip')).toMatchObject({ ok: false, reason: 'no_account' });
      expect(await matchSsoAccount(base, generic, { sub: 'g3', email_verified: true }, 'ip')).toMatchObject({ ok: false, reason: 'no_email' });
    } finally {
      await drop(generic);
      await drop(ms);
    }
  });
});

describe('the callback handoff', () => {
  it('is read once, and not after 2 minutes', async () => {
    const token = await createHandoff(base, { kind: 'error', message: 'Nope.' });
    expect(await consumeHandoff(base, { handoff: token })).toEqual({ kind: 'error', message: 'Nope.' });
    expect(await consumeHandoff(base, { handoff: token })).toMatchObject({ kind: 'error', message: /expired/ });
    const late = await createHandoff(base, { kind: 'error', message: 'Late.' });
    clock.advance(2 * 60_000 + 1);
    expect(await consumeHandoff(base, { handoff: late })).toMatchObject({ message: /expired/ });
  });
});

describe('identity provider settings', () => {
  it('wants https issuers (plain http only on loopback) without query or fragment', () => {
    const ok = { kind: 'oidc', displayName: 'X', clientId: 'c', clientSecret: 's' } as const;
    expect(ZSaveIdentityProviderInput.safeParse({ ...ok, issuerUrl: 'https://login.microsoftonline.com/t/v2.0' }).success).toBe(true);
    expect(ZSaveIdentityProviderInput.safeParse({ ...ok, issuerUrl: 'http://127.0.0.1:9000' }).success).toBe(true);
    expect(ZSaveIdentityProviderInput.safeParse({ ...ok, issuerUrl: 'http://idp.example.com' }).success).toBe(false);
    expect(ZSaveIdentityProviderInput.safeParse({ ...ok, issuerUrl: 'https://idp.example.com/?x=1' }).success).toBe(false);
    expect(ZSaveIdentityProviderInput.safeParse({ ...ok, issuerUrl: 'javascript:alert(1)' }).success).toBe(false);
  });
});
