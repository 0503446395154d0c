import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type TDb } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { users } from '../../../db/schema/people';
import { pendingSignIns, webauthnChallenges } from '../../../db/schema/sign-in-state';
import { rateLimits } from '../../../db/schema/rate-limits';
import { sweepSignInState } from '../../../server/auth/sign-in-state';
import { expireSessions } from '../../../server/auth/expire-sessions';
import { auditEvents } from '../../../db/schema/audit';
import { sessions } from '../../../db/schema/sessions';
import { completeTwoFactor, continueAfterSessionLimit, signInWithPassword, type TSignInResult } from '../../../server/auth/sign-in';
import { beginTotpSetup, confirmTotpSetup, regenerateRecoveryCodes } from '../../../server/auth/totp';
import { passkeySignInOptions, signInWithPasskey } from '../../../server/auth/webauthn/passkey-sign-in';
import { beginWebauthnRegistration, finishWebauthnRegistration } from '../../../server/auth/webauthn/registration';
import { completeWebauthnSecondFactor, webauthnSecondFactorOptions } from '../../../server/auth/webauthn/second-factor';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { createServiceContext } from '../../../server/core/create-service-context';
import { createLogger } from '../../../server/core/logger';
import { SharedRateLimiter, sweepRateLimits } from '../../../server/core/rate-limiter';
import { requireCheckoutAllowance } from '../../../server/payments/pay-now';
import { updateProfile } from '../../../server/people/profile';
import { sendSmsCode } from '../../../server/auth/sms/sms-codes';
import { updateSmsSettings } from '../../../server/auth/sms/sms-settings';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';
import { startFakeSmsGateway } from '../../helpers/fake-sms-gateway';

/*
 * Two Portico nodes on one database: `a` and `b` are service contexts with their own
 * connections (on SQLite, their own connections to the file; on PostgreSQL, their own pools)
 * and nothing else in common, as two processes would be. What one node starts, the other
 * finishes; what both count adds up.
 */

let a: ServiceContext;
let b: ServiceContext;
let dbB: TDb;
let clock: FixedClock;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ ctx: a, clock, cleanup } = await freshContext());
  await seedDemo(a);
  dbB = await openDatabase(a.settings);
  b = createServiceContext({ db: dbB, settings: a.settings, clock, log: createLogger('silent') });
});
afterAll(async () => {
  await closeDatabase(dbB);
  await cleanup();
});
// Each test starts past the windows of the one before.
beforeEach(() => clock.advance(60 * 60_000));

const ORIGIN = 'http://localhost:3000';
const meta = (ip: string) => ({ deviceClass: 'desktop' as const, browser: 'Test', ip });
const userId = async (email: string) => (await a.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const step = () => Math.floor(clock.now().getTime() / 30_000);

async function enrollTotp(email: string): Promise<string> {
  const { key } = await beginTotpSetup(a, await userId(email));
  await confirmTotpSetup(a, await userId(email), generateHOTP(decodeBase32IgnorePadding(key), BigInt(step() - 1), 6));
  return key;
}
const totp = (key: string) => generateHOTP(decodeBase32IgnorePadding(key), BigInt(step()), 6);

async function inTurn<T>(work: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = [];
  for (const w of work) out.push(...(await Promise.allSettled([w()])));
  return out;
}

function pendingOf(res: TSignInResult, kind: 'two-factor' | 'session-limit' = 'two-factor'): string {
  if (res.kind !== kind) throw new Error(`expected ${kind}, got ${res.kind}`);
  return res.pendingToken;
}

describe('a sign-in started on one node', () => {
  let key: string;
  const email = 'primary@acme-dental.test';
  beforeAll(async () => {
    key = await enrollTotp(email);
  });

  it('finishes its second factor on another', async () => {
    const pendingToken = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.0.1')));
    const done = await completeTwoFactor(b, { pendingToken, method: 'totp', code: totp(key) });
    expect(done).toMatchObject({ kind: 'signed-in', chosen: { kind: 'contact' } });
    // Finished: the token works nowhere any more.
    clock.advance(30_000);
    await expect(completeTwoFactor(a, { pendingToken, method: 'totp', code: totp(key) })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await a.db.select().from(pendingSignIns)).toHaveLength(0);
  });

  it('keeps only hashes and what the session needs, and expires after 5 minutes', async () => {
    const pendingToken = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, { ...meta('10.7.0.2'), deviceToken: 'device-cookie-value' }));
    const rows = await b.db.select().from(pendingSignIns);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(pendingToken);
    expect(JSON.stringify(rows)).not.toContain('device-cookie-value');
    clock.advance(5 * 60_000);
    await expect(completeTwoFactor(b, { pendingToken, method: 'totp', code: totp(key) })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // Either node's sweep removes it.
    expect(await sweepSignInState(b)).toBe(1);
    expect(await a.db.select().from(pendingSignIns)).toHaveLength(0);
  });

  it('opens one session however many nodes finish it at once', async () => {
    const codes = await regenerateRecoveryCodes(a, await userId(email));
    const pendingToken = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.0.3')));
    const results = await Promise.allSettled([a, a, b].map((node, i) => completeTwoFactor(node, { pendingToken, method: 'recovery', code: codes[i]! })));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'signed-in')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('accepts one authenticator code once, even when two nodes get it at the same moment', async () => {
    const first = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.0.5')));
    const second = pendingOf(await signInWithPassword(b, { email, password: DEMO_PASSWORD }, meta('10.7.0.6')));
    const code = totp(key);
    const results = await Promise.allSettled([completeTwoFactor(a, { pendingToken: first, method: 'totp', code }), completeTwoFactor(b, { pendingToken: second, method: 'totp', code })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    clock.advance(30_000);
  });

  it('continues after "Too many active sessions" on another node', async () => {
    // A phone has room for one session: the second phone sign-in must end it first.
    const phone = { deviceClass: 'mobile' as const, browser: 'Phone', ip: '10.7.0.4' };
    const first = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, phone));
    expect((await completeTwoFactor(b, { pendingToken: first, method: 'totp', code: totp(key) })).kind).toBe('signed-in');
    clock.advance(30_000);
    const second = pendingOf(await signInWithPassword(b, { email, password: DEMO_PASSWORD }, phone));
    const limit = await completeTwoFactor(a, { pendingToken: second, method: 'totp', code: totp(key) });
    const pendingToken = pendingOf(limit, 'session-limit');
    const sessionRef = limit.kind === 'session-limit' ? limit.sessions[0]!.ref : '';
    expect(await continueAfterSessionLimit(b, { pendingToken, sessionRef })).toMatchObject({ kind: 'signed-in' });
  });
});

describe('counts kept by both nodes add up', () => {
  it('wrong authenticator codes: 5 per user across nodes, then refused on either', async () => {
    const email = 'billing@acme-dental.test';
    const key = await enrollTotp(email);
    clock.advance(60_000);
    // One sign-in on each node, so only the count of wrong codes is shared between them.
    const pending = new Map<ServiceContext, string>();
    for (const node of [a, b]) pending.set(node, pendingOf(await signInWithPassword(node, { email, password: DEMO_PASSWORD }, meta('10.7.1.1'))));
    for (const node of [a, b, a, b, a]) {
      await expect(completeTwoFactor(node, { pendingToken: pending.get(node)!, method: 'totp', code: '000000' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    }
    await expect(completeTwoFactor(b, { pendingToken: pending.get(b)!, method: 'totp', code: totp(key) })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('password attempts per IP: 30 per 10 minutes across nodes', async () => {
    const ip = '10.7.1.2';
    for (let i = 0; i < 30; i++) {
      await expect(signInWithPassword(i % 2 ? a : b, { email: `nobody-${i}@example.test`, password: 'not-the-password' }, meta(ip))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await expect(signInWithPassword(a, { email: 'standard@acme-dental.test', password: DEMO_PASSWORD }, meta(ip))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(signInWithPassword(b, { email: 'standard@acme-dental.test', password: DEMO_PASSWORD }, meta(ip))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Another address is not held back, on either node.
    expect((await signInWithPassword(b, { email: 'standard@acme-dental.test', password: DEMO_PASSWORD }, meta('10.7.1.3'))).kind).toBe('signed-in');
  });

  it('wrong passwords on both nodes lock the account together', async () => {
    const email = 'technical@northwind.test';
    const limit = a.settings.LOCKOUT_ATTEMPTS;
    for (let i = 0; i < limit; i++) {
      await expect(signInWithPassword(i % 2 ? a : b, { email, password: `wrong-${i}` }, meta(`10.7.2.${i}`))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await b.db.select().from(users).where(eq(users.email, email)))[0]!.lockedAt).not.toBeNull();
    await expect(signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.2.99'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('payment pages per user: 30 per 10 minutes across nodes', async () => {
    const payerA = await asDemoUser(a, 'billing@northwind.test');
    const payerB = await asDemoUser(b, 'billing@northwind.test');
    for (let i = 0; i < 30; i++) await requireCheckoutAllowance(i % 2 ? payerA : payerB);
    await expect(requireCheckoutAllowance(payerA)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(requireCheckoutAllowance(payerB)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('attempts sent to both nodes at the same moment are each counted once', async () => {
    const onA = new SharedRateLimiter(a.db, 'test-burst', 10, 60_000);
    const onB = new SharedRateLimiter(b.db, 'test-burst', 10, 60_000);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? onA : onB).consume('k', clock.now())));
    expect(answers.filter(Boolean)).toHaveLength(10);
    // A new window starts when the last one has ended; the sweep drops ended windows only.
    clock.advance(60_000);
    expect(await onB.consume('k', clock.now())).toBe(true);
    expect(await onA.consume('other', new Date(clock.now().getTime() - 60_000))).toBe(true);
    expect(await sweepRateLimits(a.db, clock.now())).toBeGreaterThanOrEqual(1);
    expect((await b.db.select().from(rateLimits).where(eq(rateLimits.name, 'test-burst'))).map((r) => [r.key, r.count])).toEqual([['k', 1]]);
  });
});

describe('WebAuthn ceremonies across nodes', () => {
  const email = 'technical@acme-dental.test';
  const auth = new SoftAuthenticator();
  const session = async () => ({ id: 'session-webauthn-nodes', userId: await userId(email), reauthenticatedAt: clock.now() });

  it('registers a key begun on one node and finished on the other', async () => {
    const options = await beginWebauthnRegistration(a, await session());
    const added = await finishWebauthnRegistration(b, await session(), { name: 'Key', response: auth.create(options, { origin: ORIGIN }) }, '10.7.3.1');
    expect(added.recoveryCodes).toHaveLength(10);
    // The challenge stored is a hash, and it is gone once used.
    expect(await a.db.select().from(webauthnChallenges)).toHaveLength(0);
  });

  it('signs in with a passkey whose challenge the other node issued, once', async () => {
    const options = await passkeySignInOptions(b, '10.7.3.2');
    expect(JSON.stringify(await a.db.select().from(webauthnChallenges))).not.toContain(options.challenge);
    const response = auth.get(options, { origin: ORIGIN });
    expect((await signInWithPasskey(a, { response }, meta('10.7.3.2'))).kind).toBe('signed-in');
    await expect(signInWithPasskey(b, { response }, meta('10.7.3.2'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('passes the second factor with a key on another node than the password and the options', async () => {
    const pendingToken = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.3.3')));
    const options = await webauthnSecondFactorOptions(b, { pendingToken });
    const done = await completeWebauthnSecondFactor(a, { pendingToken, response: auth.get(options, { origin: ORIGIN }), rememberDevice: false });
    expect(done.kind).toBe('signed-in');
  });

  it('counts passkey sign-in ceremonies per IP across nodes', async () => {
    for (let i = 0; i < 30; i++) await passkeySignInOptions(i % 2 ? a : b, '10.7.3.9');
    await expect(passkeySignInOptions(a, '10.7.3.9')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('codes by text message across nodes', () => {
  it('sends at most 3 per user in 15 minutes when both nodes are asked at once, and either node accepts the code', async () => {
    const gateway = await startFakeSmsGateway();
    try {
      const email = 'technical@northwind.test';
      const admin = await asDemoUser(a, 'admin@demo-msp.test');
      await updateSmsSettings(admin, { apiUrl: gateway.url, accountSid: gateway.accountSid, authToken: gateway.authToken, fromNumber: '+15550109999', defaultCountryCode: '+1', enabled: true }, '10.0.0.1');
      await a.db.update(users).set({ lockedAt: null, failedAttempts: 0 }).where(eq(users.email, email));
      await enrollTotp(email);
      await updateProfile(a, await userId(email), { name: 'Tina Technical', phoneCell: '+1 555 010 0177' });
      // A sign-in waiting on each node; the limit is the user's, whichever node sends.
      const pending = new Map<ServiceContext, string>();
      for (const node of [a, b]) pending.set(node, pendingOf(await signInWithPassword(node, { email, password: DEMO_PASSWORD }, meta('10.7.4.1'))));
      const send = (node: ServiceContext) => sendSmsCode(node, { pendingToken: pending.get(node)! });
      const nodes = [a, b, a, b, a, b, a, b];
      // At once on PostgreSQL. Two SQLite "nodes" in one process would block each other's
      // writes (better-sqlite3 waits synchronously for the file lock), so there they take turns.
      const sends = ENGINE === 'pg' ? await Promise.allSettled(nodes.map(send)) : await inTurn(nodes.map((node) => () => send(node)));
      expect(sends.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(new Set(sends.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code))).toEqual(new Set(['RATE_LIMITED']));
      expect(gateway.sent).toHaveLength(3);

      clock.advance(15 * 60_000 + 1);
      const pendingToken = pendingOf(await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.4.1')));
      await sendSmsCode(b, { pendingToken });
      const code = gateway.lastCode('+15550100177');
      expect(await completeTwoFactor(a, { pendingToken, method: 'sms', code })).toMatchObject({ kind: 'signed-in' });
    } finally {
      await gateway.close();
    }
  });
});

describe('the session sweeper', () => {
  it('runs on every node and ends each expired session once', async () => {
    const since = clock.now();
    for (const email of ['standard@northwind.test', 'primary@northwind.test']) {
      expect((await signInWithPassword(a, { email, password: DEMO_PASSWORD }, meta('10.7.5.1'))).kind).toBe('signed-in');
    }
    const live = (await a.db.select().from(sessions)).length;
    clock.advance(a.settings.SESSION_ABSOLUTE_HOURS * 3_600_000);
    const sweeps = ENGINE === 'pg' ? await Promise.all([expireSessions(a), expireSessions(b)]) : [await expireSessions(a), await expireSessions(b)];
    expect(await a.db.select().from(sessions)).toHaveLength(0);
    const ended = (await a.db.select().from(auditEvents).where(and(eq(auditEvents.kind, 'session_ended'), gt(auditEvents.createdAt, since))));
    expect(ended).toHaveLength(live);
    expect(sweeps[0]! + sweeps[1]!).toBeGreaterThanOrEqual(live);
  });
});
