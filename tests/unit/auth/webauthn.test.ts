import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { companies, users } from '../../../db/schema/people';
import { identityProviderCompanies, identityProviders } from '../../../db/schema/sso';
import { webauthnCredentials } from '../../../db/schema/webauthn';
import { passkeySignInOptions, signInWithPasskey } from '../../../server/auth/webauthn/passkey-sign-in';
import { secondFactorMethods } from '../../../server/auth/second-factors';
import { signInWithPassword } from '../../../server/auth/sign-in';
import { remainingRecoveryCodes } from '../../../server/auth/totp';
import { consumeChallenge, issueChallenge } from '../../../server/auth/webauthn/challenges';
import { listWebauthnCredentials, removeWebauthnCredential, renameWebauthnCredential } from '../../../server/auth/webauthn/credentials';
import { beginWebauthnRegistration, finishWebauthnRegistration } from '../../../server/auth/webauthn/registration';
import { relyingParty } from '../../../server/auth/webauthn/relying-party';
import { completeWebauthnSecondFactor, webauthnSecondFactorOptions } from '../../../server/auth/webauthn/second-factor';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { seal } from '../../../server/core/secret-box';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const ORIGIN = 'http://localhost:3000';
const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.2.0.1' };
const userId = async (email: string) => (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!.id;
/** A session that entered its password just now (the re-authentication window is open). */
const session = async (email: string, id = `session-${email}`) => ({ id, userId: await userId(email), reauthenticatedAt: clock.now() });
const lastAudit = async (uid: number | null) =>
  (await ctx.db.select().from(auditEvents).where(uid === null ? undefined : eq(auditEvents.userId, uid)).orderBy(desc(auditEvents.id)))[0];

async function register(email: string, auth: SoftAuthenticator, name = 'Key') {
  const s = await session(email);
  const options = await beginWebauthnRegistration(ctx, s);
  return finishWebauthnRegistration(ctx, s, { name, response: auth.create(options, { origin: ORIGIN }) }, '10.2.0.1');
}

async function pendingFor(email: string): Promise<string> {
  const res = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
  if (res.kind !== 'two-factor') throw new Error(res.kind);
  expect(res.methods).toContain('webauthn');
  return res.pendingToken;
}

describe('the relying party', () => {
  it('is PUBLIC_URL: its host name as RP id and its exact origin', () => {
    expect(relyingParty({ publicUrl: 'https://portal.example.com:8443/base' })).toMatchObject({ id: 'portal.example.com', origin: 'https://portal.example.com:8443' });
    expect(relyingParty(ctx.settings)).toMatchObject({ id: 'localhost', origin: ORIGIN });
  });
});

describe('challenges', () => {
  it('work once, for their purpose and binding only, and expire after 5 minutes', async () => {
    const enc = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const a = enc(await issueChallenge(ctx, 'register', 'session-a', 'handle'));
    expect(await consumeChallenge(ctx, a, 'register', 'session-a')).toEqual({ userHandle: 'handle' });
    expect(await consumeChallenge(ctx, a, 'register', 'session-a')).toBeNull();

    const b = enc(await issueChallenge(ctx, 'register', 'session-a'));
    expect(await consumeChallenge(ctx, b, 'register', 'session-b')).toBeNull();
    // Refused once is gone, even for the right binding.
    expect(await consumeChallenge(ctx, b, 'register', 'session-a')).toBeNull();

    const c = enc(await issueChallenge(ctx, 'passkey', ''));
    expect(await consumeChallenge(ctx, c, 'second-factor', '')).toBeNull();
    const d = enc(await issueChallenge(ctx, 'passkey', ''));
    clock.advance(5 * 60_000);
    expect(await consumeChallenge(ctx, d, 'passkey', '')).toBeNull();

    // A new challenge for the same pending sign-in replaces the old one.
    const e = enc(await issueChallenge(ctx, 'second-factor', 'p'));
    const f = enc(await issueChallenge(ctx, 'second-factor', 'p'));
    expect(await consumeChallenge(ctx, e, 'second-factor', 'p')).toBeNull();
    expect(await consumeChallenge(ctx, f, 'second-factor', 'p')).toEqual({});
    // Unbound (passkey) challenges do not replace each other.
    const g = enc(await issueChallenge(ctx, 'passkey', ''));
    const h = enc(await issueChallenge(ctx, 'passkey', ''));
    expect(await consumeChallenge(ctx, g, 'passkey', '')).toEqual({});
    expect(await consumeChallenge(ctx, h, 'passkey', '')).toEqual({});
  });
});

describe('registration', () => {
  it('stores a verified key, makes recovery codes for the first one only, and lists it', async () => {
    const email = 'primary@acme-dental.test';
    const auth = new SoftAuthenticator();
    expect(await remainingRecoveryCodes(ctx, await userId(email))).toBe(0);
    const first = await register(email, auth, 'Laptop');
    expect(first.recoveryCodes).toHaveLength(10);
    const second = await register(email, auth, 'Phone');
    expect(second.recoveryCodes).toBeNull();
    const list = await listWebauthnCredentials(ctx, await userId(email));
    expect(list.map((k) => k.name)).toEqual(['Laptop', 'Phone']);
    expect(list[0]).toMatchObject({ lastUsedAt: null, synced: false });
    // One opaque user handle per user, on every credential; not the email or the row id.
    const rows = (await ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, await userId(email))));
    expect(new Set(rows.map((r) => r.userHandle)).size).toBe(1);
    expect(Buffer.from(rows[0]!.userHandle, 'base64url')).toHaveLength(32);
    expect(await secondFactorMethods(ctx, await userId(email))).toEqual(['webauthn', 'recovery']);
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'passkey_added', detail: { name: 'Phone' } });
  });

  it('refuses another origin, another RP id, no user verification, and a used or expired challenge', async () => {
    const email = 'billing@acme-dental.test';
    const auth = new SoftAuthenticator();
    const attempt = async (opts: Parameters<SoftAuthenticator['create']>[1], advanceMs = 0) => {
      const options = await beginWebauthnRegistration(ctx, await session(email));
      clock.advance(advanceMs);
      return finishWebauthnRegistration(ctx, await session(email), { name: 'Key', response: auth.create(options, opts) }, '10.2.0.1');
    };
    await expect(attempt({ origin: 'http://localhost:3001' })).rejects.toThrow('could not be added');
    await expect(attempt({ origin: 'https://localhost:3000' })).rejects.toThrow('could not be added');
    await expect(attempt({ origin: ORIGIN, rpId: 'evil.example' })).rejects.toThrow('could not be added');
    await expect(attempt({ origin: ORIGIN, uv: false })).rejects.toThrow('could not be added');
    await expect(attempt({ origin: ORIGIN, type: 'webauthn.get' })).rejects.toThrow('could not be added');
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'passkey_registration_failed', detail: { reason: 'verification' } });
    // A challenge from another session, or one older than 5 minutes.
    const other = await beginWebauthnRegistration(ctx, await session('standard@northwind.test'));
    await expect(attempt({ origin: ORIGIN, challenge: other.challenge })).rejects.toThrow('expired');
    await expect(attempt({ origin: ORIGIN }, 5 * 60_000 + 1)).rejects.toThrow('expired');
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'passkey_registration_failed', detail: { reason: 'challenge' } });

    // The same answer twice: the challenge was used.
    const s = await session(email);
    const options = await beginWebauthnRegistration(ctx, s);
    const response = auth.create(options, { origin: ORIGIN });
    await finishWebauthnRegistration(ctx, s, { name: 'Key', response }, 'x');
    await expect(finishWebauthnRegistration(ctx, s, { name: 'Key 2', response }, 'x')).rejects.toThrow('expired');
    expect(await listWebauthnCredentials(ctx, s.userId)).toHaveLength(1);
  });

  it('needs the password in the last 5 minutes', async () => {
    const s = { ...await session('technical@acme-dental.test'), reauthenticatedAt: new Date(clock.now().getTime() - 5 * 60_000 - 1) };
    await expect(beginWebauthnRegistration(ctx, s)).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reauth: true } });
  });

  it('allows at most 10 per user', async () => {
    const email = 'standard@acme-dental.test';
    const auth = new SoftAuthenticator();
    for (let i = 0; i < 10; i++) await register(email, auth, `Key ${i + 1}`);
    await expect(beginWebauthnRegistration(ctx, await session(email))).rejects.toThrow('already have 10');
    // Two options taken while there were 9: the second answer is refused at the count.
    (await ctx.db.delete(webauthnCredentials).where(eq(webauthnCredentials.name, 'Key 10')));
    const s1 = await session(email, 'tab-1');
    const s2 = await session(email, 'tab-2');
    const o1 = await beginWebauthnRegistration(ctx, s1);
    const o2 = await beginWebauthnRegistration(ctx, s2);
    await finishWebauthnRegistration(ctx, s1, { name: 'Tab 1', response: auth.create(o1, { origin: ORIGIN }) }, 'x');
    await expect(finishWebauthnRegistration(ctx, s2, { name: 'Tab 2', response: auth.create(o2, { origin: ORIGIN }) }, 'x')).rejects.toThrow('already have 10');
    expect(await listWebauthnCredentials(ctx, await userId(email))).toHaveLength(10);
  });

  it('bounds what the browser may send', async () => {
    const s = await session('primary@northwind.test');
    const options = await beginWebauthnRegistration(ctx, s);
    const response = new SoftAuthenticator().create(options, { origin: ORIGIN });
    await expect(finishWebauthnRegistration(ctx, s, { name: '', response }, 'x')).rejects.toThrow('Give it a name');
    await expect(finishWebauthnRegistration(ctx, s, { name: 'K', response: { ...response, id: 'x'.repeat(2000) } }, 'x')).rejects.toThrow();
    const huge = { ...response, response: { ...response.response, attestationObject: 'A'.repeat(40_000) } };
    await expect(finishWebauthnRegistration(ctx, s, { name: 'K', response: huge }, 'x')).rejects.toThrow();
  });
});

describe('second factor', () => {
  it('accepts one of the pending user\'s keys, then opens the session', async () => {
    const email = 'primary@acme-dental.test';
    const pendingToken = await pendingFor(email);
    const options = await webauthnSecondFactorOptions(ctx, { pendingToken });
    const mine = (await ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, await userId(email))));
    expect(options.allowCredentials?.map((c) => c.id).sort()).toEqual(mine.map((r) => r.credentialId).sort());
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    // The authenticator registered in the first registration test holds both keys.
    const auth = new SoftAuthenticator();
    await register('primary@northwind.test', auth, 'Other user');
    const other = auth.credentials[0]!;
    // Another user's key is refused, with the failure audited through the one second-factor path.
    const res = completeWebauthnSecondFactor(ctx, { pendingToken, response: auth.get(options, { origin: ORIGIN, credential: other }) });
    await expect(res).rejects.toThrow('not registered to your account');
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'two_factor_failed', detail: { method: 'webauthn' } });
  });

  it('refuses a wrong origin, a missing user verification, and a challenge issued for another pending sign-in', async () => {
    const email = 'primary@northwind.test';
    const auth = new SoftAuthenticator();
    await register(email, auth, 'Second');
    const cred = auth.credentials[0]!;
    const a = await pendingFor(email);
    const b = await pendingFor(email);
    const tryWith = async (opts: Parameters<SoftAuthenticator['get']>[1], token = a) => {
      const options = await webauthnSecondFactorOptions(ctx, { pendingToken: a });
      return completeWebauthnSecondFactor(ctx, { pendingToken: token, response: auth.get(options, { credential: cred, ...opts }) });
    };
    await expect(tryWith({ origin: 'http://127.0.0.1:3000' })).rejects.toThrow('could not be verified');
    await expect(tryWith({ origin: ORIGIN, rpId: 'example.com' })).rejects.toThrow('could not be verified');
    await expect(tryWith({ origin: ORIGIN, uv: false })).rejects.toThrow('could not be verified');
    await expect(tryWith({ origin: ORIGIN }, b)).rejects.toThrow('took too long');
    const ok = await tryWith({ origin: ORIGIN });
    expect(ok.kind).toBe('signed-in');
    // Done: the pending sign-in cannot ask for more options.
    await expect(webauthnSecondFactorOptions(ctx, { pendingToken: a })).rejects.toThrow('expired');
  });
});

describe('passkey sign-in', () => {
  let auth: SoftAuthenticator;
  const email = 'technical@northwind.test';
  beforeAll(async () => {
    auth = new SoftAuthenticator();
    await register(email, auth, 'Passkey');
  });

  it('signs in by the user handle alone, counting as both factors', async () => {
    const options = await passkeySignInOptions(ctx, '10.3.0.1');
    expect(options.allowCredentials).toBeUndefined();
    expect(options.userVerification).toBe('required');
    const res = await signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN }) }, meta);
    expect(res.kind).toBe('signed-in');
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'sign_in', detail: { twoFactor: true } });
    expect((await listWebauthnCredentials(ctx, await userId(email)))[0]!.lastUsedAt).not.toBeNull();
  });

  it('gives one answer for an unknown key, a wrong user handle, no user verification and a reused challenge', async () => {
    const generic = 'That passkey did not work';
    const stranger = new SoftAuthenticator();
    // A key made for this site that the portal never registered.
    stranger.create(
      { rp: { id: 'localhost', name: 'Portico' }, user: { id: 'c3RyYW5nZXI', name: 's', displayName: 's' }, challenge: 'AAAA', pubKeyCredParams: [] },
      { origin: ORIGIN },
    );
    const unknown = async () => {
      const options = await passkeySignInOptions(ctx, '10.3.0.2');
      return signInWithPasskey(ctx, { response: stranger.get(options, { origin: ORIGIN }) }, meta);
    };
    await expect(unknown()).rejects.toThrow(generic);
    expect(await lastAudit(null)).toMatchObject({ kind: 'sign_in_failed', userId: null, detail: { reason: 'unknown_credential' } });

    const handleOf = async (userHandle: string | null) => {
      const options = await passkeySignInOptions(ctx, '10.3.0.2');
      return signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN, userHandle }) }, meta);
    };
    await expect(handleOf(Buffer.from('someone else').toString('base64url'))).rejects.toThrow(generic);
    await expect(handleOf(null)).rejects.toThrow(generic);
    expect(await lastAudit(await userId(email))).toMatchObject({ kind: 'sign_in_failed', detail: { reason: 'user_handle' } });

    const options = await passkeySignInOptions(ctx, '10.3.0.2');
    await expect(signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN, uv: false }) }, meta)).rejects.toThrow(generic);
    // That answer consumed the challenge: a correct one on it is refused too.
    await expect(signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN }) }, meta)).rejects.toThrow(generic);
    expect(await lastAudit(await userId(email))).toMatchObject({ detail: { reason: 'verification' } });
    expect(await lastAudit(null)).toMatchObject({ kind: 'sign_in_failed', userId: null, detail: { reason: 'challenge' } });
  });

  it('refuses a counter that did not go up (a cloned authenticator) and audits it, but not a forged one', async () => {
    const uid = await userId(email);
    const stored = async () => (await ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, uid)))[0]!.counter;
    const before = await stored();
    expect(before).toBeGreaterThan(0);
    const options = await passkeySignInOptions(ctx, '10.3.0.3');
    await expect(signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN, counter: before }) }, meta)).rejects.toThrow('did not work');
    expect((await ctx.db.select().from(auditEvents).where(eq(auditEvents.kind, 'passkey_counter_suspicious')).orderBy(desc(auditEvents.id)))[0]).toMatchObject({
      userId: uid,
      detail: { storedCounter: before, receivedCounter: before },
    });
    expect(await stored()).toBe(before);

    // A low counter on a bad signature is a plain failure, not a clone alarm.
    const forged = await passkeySignInOptions(ctx, '10.3.0.3');
    const response = auth.get(forged, { origin: ORIGIN, counter: 1 });
    response.response.signature = Buffer.from('not a signature').toString('base64url');
    const alarms = async () => (await ctx.db.select().from(auditEvents).where(eq(auditEvents.kind, 'passkey_counter_suspicious'))).length;
    const n = await alarms();
    await expect(signInWithPasskey(ctx, { response }, meta)).rejects.toThrow('did not work');
    expect(await alarms()).toBe(n);

    // The real authenticator, counting on, still works.
    const next = await passkeySignInOptions(ctx, '10.3.0.3');
    expect((await signInWithPasskey(ctx, { response: auth.get(next, { origin: ORIGIN, counter: before + 1 }) }, meta)).kind).toBe('signed-in');
  });

  it('is refused where single sign-on is enforced for the account, like the password', async () => {
    const now = clock.now();
    const northwind = (await ctx.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!.id;
    const idp = (await ctx.db
      .insert(identityProviders)
      .values({ providerId: 1, slug: 'example', kind: 'oidc', displayName: 'Example', issuerUrl: 'https://idp.example', clientId: 'c', clientSecretSealed: seal(ctx.settings.secretKey, new TextEncoder().encode('s')), createdAt: now, updatedAt: now })
      .returning())[0]!;
    (await ctx.db.insert(identityProviderCompanies).values({ idpId: idp.id, companyId: northwind, mode: 'sso' }));
    try {
      const options = await passkeySignInOptions(ctx, '10.3.0.4');
      await expect(signInWithPasskey(ctx, { response: auth.get(options, { origin: ORIGIN }) }, meta)).rejects.toThrow('requires single sign-on');
    } finally {
      (await ctx.db.delete(identityProviderCompanies).where(eq(identityProviderCompanies.idpId, idp.id)));
      (await ctx.db.delete(identityProviders).where(eq(identityProviders.id, idp.id)));
    }
    const again = await passkeySignInOptions(ctx, '10.3.0.4');
    expect((await signInWithPasskey(ctx, { response: auth.get(again, { origin: ORIGIN }) }, meta)).kind).toBe('signed-in');
  });

  it('is rate-limited per IP', async () => {
    for (let i = 0; i < 30; i++) await passkeySignInOptions(ctx, '10.3.0.9');
    await expect(passkeySignInOptions(ctx, '10.3.0.9')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('rename and remove', () => {
  it('renames without a password; removal needs one, and the last factor cannot go where 2FA is required', async () => {
    const admin = 'admin@demo-msp.test';
    const auth = new SoftAuthenticator();
    await register(admin, auth, 'YubiKey');
    const [key] = await listWebauthnCredentials(ctx, await userId(admin));
    await renameWebauthnCredential(ctx, await userId(admin), { id: key!.id, name: 'Blue YubiKey' }, 'x');
    expect((await listWebauthnCredentials(ctx, await userId(admin)))[0]!.name).toBe('Blue YubiKey');
    await expect(renameWebauthnCredential(ctx, await userId('tech@demo-msp.test'), { id: key!.id, name: 'Mine' }, 'x')).rejects.toThrow('not on your account');

    const actor = (await asDemoUser(ctx, admin)).actor;
    const stale = { ...await session(admin), reauthenticatedAt: new Date(0) };
    await expect(removeWebauthnCredential(ctx, stale, actor, { id: key!.id }, 'x')).rejects.toThrow('enter your password again');
    await expect(removeWebauthnCredential(ctx, await session(admin), actor, { id: key!.id }, 'x')).rejects.toThrow('requires two-factor');

    // A contact whose company does not require 2FA: the last key goes, with the recovery codes.
    const email = 'billing@acme-dental.test';
    const uid = await userId(email);
    expect(await remainingRecoveryCodes(ctx, uid)).toBe(10);
    const [only] = await listWebauthnCredentials(ctx, uid);
    await removeWebauthnCredential(ctx, await session(email), (await asDemoUser(ctx, email)).actor, { id: only!.id }, 'x');
    expect(await secondFactorMethods(ctx, uid)).toEqual([]);
    expect(await remainingRecoveryCodes(ctx, uid)).toBe(0);
    expect(await lastAudit(uid)).toMatchObject({ kind: 'passkey_removed', detail: { lastFactor: true } });
    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta)).kind).toBe('signed-in');
  });
});
