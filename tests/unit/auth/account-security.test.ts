import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { outbox } from '../../../db/schema/outbox';
import { contacts, users } from '../../../db/schema/people';
import { sessions } from '../../../db/schema/sessions';
import { confirmEmailChange, requestEmailChange } from '../../../server/auth/change-email';
import { reauthenticate } from '../../../server/auth/reauthenticate';
import { completeTwoFactor, signInWithPassword, type TSignInResult } from '../../../server/auth/sign-in';
import { beginTotpSetup, confirmTotpSetup, hasTotp } from '../../../server/auth/totp';
import { forgetTrustedDevice, listTrustedDevices } from '../../../server/auth/trusted-devices';
import { disableTwoFactor, newRecoveryCodes } from '../../../server/auth/two-factor-settings';
import { validateSession } from '../../../server/auth/session';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const meta = (deviceToken?: string) => ({ deviceClass: 'desktop' as const, browser: 'Test', ip: '10.1.0.1', deviceToken });
const userId = async (email: string) => (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const step = () => Math.floor(clock.now().getTime() / 30_000);
const code = (key: string, s = step()) => generateHOTP(decodeBase32IgnorePadding(key), BigInt(s), 6);

async function enroll(email: string): Promise<string> {
  const { key } = await beginTotpSetup(ctx, await userId(email));
  await confirmTotpSetup(ctx, await userId(email), code(key, step() - 1));
  return key;
}
async function session(email: string, key?: string) {
  const res = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta());
  const done = res.kind === 'two-factor' && key ? await completeTwoFactor(ctx, { pendingToken: res.pendingToken, method: 'totp', code: code(key) }) : res;
  if (done.kind !== 'signed-in') throw new Error(done.kind);
  return (await validateSession(ctx, done.sessionId))!;
}
const kinds = async (uid: number) => (await ctx.db.select().from(auditEvents).where(eq(auditEvents.userId, uid)).orderBy(desc(auditEvents.id))).map((e) => e.kind);

describe('remember this device for 30 days', () => {
  it('skips the code on that browser only, until forgotten or 30 days pass', async () => {
    const email = 'primary@acme-dental.test';
    const key = await enroll(email);
    const first = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta());
    expect(first.kind).toBe('two-factor');
    if (first.kind !== 'two-factor') return;
    const done: TSignInResult = await completeTwoFactor(ctx, { pendingToken: first.pendingToken, method: 'totp', code: code(key), rememberDevice: true });
    expect(done.kind).toBe('signed-in');
    const token = done.device!.token;
    expect(done.device!.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 86_400_000);

    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta(token))).kind).toBe('signed-in');
    // Another browser, or another user's cookie, still needs the code.
    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta())).kind).toBe('two-factor');
    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta('a'.repeat(32)))).kind).toBe('two-factor');

    const [device] = await listTrustedDevices(ctx, await userId(email));
    await forgetTrustedDevice(ctx, await userId(email), { deviceId: device!.id }, '10.1.0.1');
    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta(token))).kind).toBe('two-factor');
    await expect(forgetTrustedDevice(ctx, await userId('standard@acme-dental.test'), { deviceId: device!.id }, 'x')).rejects.toThrow('not remembered');
    expect(await kinds(await userId(email))).toEqual(expect.arrayContaining(['two_factor_enabled', 'trusted_device_added', 'trusted_device_forgotten', 'sign_in']));
  });

  it('expires after 30 days', async () => {
    const email = 'technical@acme-dental.test';
    const key = await enroll(email);
    clock.advance(60_000);
    const first = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta());
    if (first.kind !== 'two-factor') throw new Error(first.kind);
    const done = await completeTwoFactor(ctx, { pendingToken: first.pendingToken, method: 'totp', code: code(key), rememberDevice: true });
    clock.advance(30 * 86_400_000 + 1000);
    expect((await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta(done.device!.token))).kind).toBe('two-factor');
  });
});

describe('re-authentication within 5 minutes', () => {
  it('guards turning 2FA off and new recovery codes, and refuses where 2FA is required', async () => {
    const email = 'billing@acme-dental.test';
    const s = await session(email, await enroll(email));
    clock.advance(5 * 60_000 + 1000);
    const fresh = async () => (await validateSession(ctx, s.id))!;
    await expect(newRecoveryCodes(ctx, s, '10.1.0.1')).rejects.toThrow('enter your password again');
    await expect(reauthenticate(ctx, s, { password: 'wrong one' }, '10.1.0.1')).rejects.toThrow('not right');
    await reauthenticate(ctx, s, { password: DEMO_PASSWORD }, '10.1.0.1');
    expect(await newRecoveryCodes(ctx, await fresh(), '10.1.0.1')).toHaveLength(10);
    await disableTwoFactor(ctx, await fresh(), (await asDemoUser(ctx, email)).actor, '10.1.0.1');
    expect(await hasTotp(ctx, s.userId)).toBe(false);
    expect(await kinds(s.userId)).toEqual(expect.arrayContaining(['two_factor_disabled', 'recovery_codes_regenerated', 'sign_in_failed']));

    const admin = 'admin@demo-msp.test';
    const a = await session(admin, await enroll(admin));
    await reauthenticate(ctx, a, { password: DEMO_PASSWORD }, '10.1.0.2');
    const aNow = (await validateSession(ctx, a.id))!;
    await expect(disableTwoFactor(ctx, aNow, (await asDemoUser(ctx, admin)).actor, 'x')).rejects.toThrow('requires two-factor');
  });
});

describe('change email', () => {
  it('sends a signed link to the new address, works once, and moves the contact records', async () => {
    const email = 'standard@acme-dental.test';
    const s = await session(email);
    await requestEmailChange(ctx, s, { newEmail: 'Sam.New@Acme-Dental.test' }, '10.1.0.3');
    const mails = (await ctx.db.select().from(outbox).orderBy(desc(outbox.id)).limit(2));
    expect(mails.map((m) => m.toAddress).sort()).toEqual(['sam.new@acme-dental.test', email]);
    const token = /confirm-email\?token=(\S+)/.exec(mails.find((m) => m.toAddress !== email)!.textBody)![1]!;

    // A tampered link fails; the real one works once.
    const forged = token.replace(/\.[^.]+\.([^.]+)$/, `.${Buffer.from('evil@x.test').toString('base64url')}.$1`);
    await expect(confirmEmailChange(ctx, { token: forged }, 'x')).rejects.toThrow('invalid or has expired');
    expect(await confirmEmailChange(ctx, { token }, '10.1.0.3')).toEqual({ email: 'sam.new@acme-dental.test' });
    await expect(confirmEmailChange(ctx, { token }, '10.1.0.3')).rejects.toThrow('invalid or has expired');
    expect((await ctx.db.select().from(contacts).where(eq(contacts.userId, s.userId)))[0]!.email).toBe('sam.new@acme-dental.test');
    expect((await signInWithPassword(ctx, { email: 'sam.new@acme-dental.test', password: DEMO_PASSWORD }, meta())).kind).toBe('signed-in');
  });

  it('needs a recent password, refuses bad input, and expires after a day', async () => {
    const s = await session('standard@northwind.test');
    await expect(requestEmailChange(ctx, s, { newEmail: 'not an email' }, 'x')).rejects.toThrow('valid email');
    await requestEmailChange(ctx, s, { newEmail: 'someone@northwind.test' }, 'x');
    const token = /confirm-email\?token=(\S+)/.exec((await ctx.db.select().from(outbox).orderBy(desc(outbox.id)).limit(2))[1]!.textBody)![1]!;
    clock.advance(24 * 3600_000 + 1000);
    await expect(confirmEmailChange(ctx, { token }, 'x')).rejects.toThrow('invalid or has expired');
    await expect(requestEmailChange(ctx, s, { newEmail: 'other@northwind.test' }, 'x')).rejects.toThrow('enter your password again');
    expect((await ctx.db.select().from(sessions).where(eq(sessions.id, s.id)))[0]).toBeDefined();
  });
});
