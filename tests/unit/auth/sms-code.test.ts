import { createHash } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { users } from '../../../db/schema/people';
import { smsCodes, smsGateways } from '../../../db/schema/sms';
import { completeTwoFactor, signInWithPassword } from '../../../server/auth/sign-in';
import { beginTotpSetup, confirmTotpSetup } from '../../../server/auth/totp';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { open } from '../../../server/core/secret-box';
import { updateProfile } from '../../../server/people/profile';
import { toE164 } from '../../../server/auth/sms/phone-number';
import { sendSmsCode, verifySmsCode } from '../../../server/auth/sms/sms-codes';
import { sendSms, SmsSendError } from '../../../server/auth/sms/sms-sender';
import { getSmsSettings, removeSmsSettings, sendTestSms, updateSmsSettings } from '../../../server/auth/sms/sms-settings';
import { asDemoUser } from '../../helpers/demo-actors';
import { startFakeSmsGateway, type TFakeSmsGateway } from '../../helpers/fake-sms-gateway';
import { freshContext } from '../../helpers/fresh-context';

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let gateway: TFakeSmsGateway;
let admin: ServiceContext;

const CONTACT = 'technical@acme-dental.test';
const CELL = '+1 (555) 010-0142';
const TO = '+15550100142';
const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.9.0.1' };
const userId = async (email: string) => (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const step = () => Math.floor(clock.now().getTime() / 30_000);

async function enrollTotp(email: string): Promise<void> {
  const { key } = await beginTotpSetup(ctx, await userId(email));
  await confirmTotpSetup(ctx, await userId(email), generateHOTP(decodeBase32IgnorePadding(key), BigInt(step() - 1), 6));
}
const setCell = async (email: string, phoneCell: string) => await updateProfile(ctx, await userId(email), { name: (await ctx.db.select().from(users).where(eq(users.id, await userId(email))))[0]!.name, phoneCell });
const saveGateway = async (extra: Record<string, unknown> = {}) =>
  await updateSmsSettings(admin, { apiUrl: gateway.url, accountSid: gateway.accountSid, authToken: gateway.authToken, fromNumber: '+15550109999', defaultCountryCode: '+1', enabled: true, ...extra }, '10.0.0.1');

/** Password step for a user who has a second factor: the pending sign-in and the methods offered. */
async function passwordStep(email: string) {
  const res = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
  if (res.kind !== 'two-factor') throw new Error(`expected the two-factor step, got ${res.kind}`);
  return res;
}
const auditKinds = async (uid: number) => (await ctx.db.select().from(auditEvents).where(eq(auditEvents.userId, uid)).orderBy(desc(auditEvents.id)));

beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
  gateway = await startFakeSmsGateway();
  admin = await asDemoUser(ctx, 'admin@demo-msp.test');
  await saveGateway();
  await enrollTotp(CONTACT);
  await setCell(CONTACT, CELL);
});
afterAll(async () => {
  await gateway?.close();
  await cleanup?.();
});
// Each test starts past the previous one's send and wrong-code windows.
beforeEach(() => clock.advance(16 * 60_000));

describe('SMS gateway settings', () => {
  it('keeps the auth token sealed, never returns it, and audits changes without it', async () => {
    const row = (await ctx.db.select().from(smsGateways))[0]!;
    expect(row.sealedAuthToken).not.toContain(gateway.authToken);
    expect(new TextDecoder().decode(open(ctx.settings.secretKey, row.sealedAuthToken))).toBe(gateway.authToken);
    const shown = await getSmsSettings(admin);
    expect(shown).toMatchObject({ configured: true, hasAuthToken: true, accountSid: gateway.accountSid, apiUrl: gateway.url });
    expect(JSON.stringify(shown)).not.toContain(gateway.authToken);
    // Saving without a token keeps the stored one.
    await saveGateway({ authToken: '' });
    expect((await ctx.db.select().from(smsGateways))[0]!.sealedAuthToken).toBe(row.sealedAuthToken);
    const audits = (await ctx.db.select().from(auditEvents).where(eq(auditEvents.kind, 'sms_settings_changed')));
    expect(audits.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audits)).not.toContain(gateway.authToken);
    expect(audits.at(-1)!.detail).toMatchObject({ authTokenChanged: false, accountSid: gateway.accountSid });
  });

  it('refuses a plain http address off this machine, and anyone but an administrator', async () => {
    await expect(saveGateway({ apiUrl: 'http://sms.example.com' })).rejects.toThrow(/https/);
    await expect(updateSmsSettings(await asDemoUser(ctx, 'tech@demo-msp.test'), {}, '10.0.0.1')).rejects.toThrow(/administrator/);
  });

  it('sends a test message through the saved gateway', async () => {
    const before = gateway.sent.length;
    await expect(sendTestSms(admin, { to: '+44 7700 900042' }, '10.0.0.1')).resolves.toEqual({ ending: '42' });
    expect(gateway.sent.slice(before)).toEqual([expect.objectContaining({ to: '+447700900042', from: '+15550109999', body: expect.stringContaining('Demo MSP') })]);
    await expect(sendTestSms(admin, { to: 'call me' }, '10.0.0.1')).rejects.toThrow(/country code/);
  });
});

describe('which sign-ins offer a code by text message', () => {
  it('offers it to a contact with two-factor on and a cell phone, before the recovery codes', async () => {
    expect((await passwordStep(CONTACT)).methods).toEqual(['totp', 'sms', 'recovery']);
  });

  it('does not offer it without a cell phone, and refuses to send one', async () => {
    const email = 'billing@acme-dental.test';
    await enrollTotp(email);
    const res = await passwordStep(email);
    expect(res.methods).toEqual(['totp', 'recovery']);
    await expect(sendSmsCode(ctx, { pendingToken: res.pendingToken })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A number that cannot be made E.164 (no country code, none configured) is no cell phone either.
    await setCell(email, '555 0100');
    await saveGateway({ defaultCountryCode: '' });
    expect((await passwordStep(email)).methods).toEqual(['totp', 'recovery']);
    await saveGateway();
    expect((await passwordStep(email)).methods).toEqual(['totp', 'sms', 'recovery']);
    await setCell(email, '');
  });

  it('does not offer it when the provider has no gateway, or has turned it off', async () => {
    await saveGateway({ enabled: false });
    expect((await passwordStep(CONTACT)).methods).toEqual(['totp', 'recovery']);
    await removeSmsSettings(admin, '10.0.0.1');
    const res = await passwordStep(CONTACT);
    expect(res.methods).toEqual(['totp', 'recovery']);
    await expect(sendSmsCode(ctx, { pendingToken: res.pendingToken })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await saveGateway();
  });

  it('is no second factor on its own: a cell phone without two-factor signs straight in', async () => {
    await setCell('standard@acme-dental.test', CELL);
    const res = await signInWithPassword(ctx, { email: 'standard@acme-dental.test', password: DEMO_PASSWORD }, meta);
    expect(res.kind).toBe('signed-in');
  });
});

describe('Send SMS Code', () => {
  it('texts a six-digit code through the gateway that signs in, and is stored only as a keyed hash', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    const before = gateway.requests.length;
    await expect(sendSmsCode(ctx, { pendingToken: res.pendingToken })).resolves.toEqual({ ending: '42', validMinutes: 5 });
    const request = gateway.requests[before]!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${gateway.accountSid}/Messages.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${gateway.accountSid}:${gateway.authToken}`).toString('base64')}`);
    expect(request.form).toMatchObject({ To: TO, From: '+15550109999' });
    const code = gateway.lastCode(TO);
    expect(code).toMatch(/^\d{6}$/);
    expect(request.form.Body).toContain('Demo MSP');

    const row = (await ctx.db.select().from(smsCodes).where(eq(smsCodes.userId, uid)).orderBy(desc(smsCodes.id)))[0]!;
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).not.toBe(createHash('sha256').update(code).digest('hex'));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(5 * 60_000);

    const done = await completeTwoFactor(ctx, { pendingToken: res.pendingToken, method: 'sms', code });
    expect(done.kind).toBe('signed-in');
    const kinds = (await auditKinds(uid)).map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['sign_in', 'sms_code_sent']);
    expect((await auditKinds(uid)).find((e) => e.kind === 'sms_code_sent')!.detail).toEqual({ ending: '42' });
  });

  it('refuses a wrong code, then accepts the right one', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    await sendSmsCode(ctx, { pendingToken: res.pendingToken });
    const code = gateway.lastCode(TO);
    const wrong = code === '000000' ? '111111' : '000000';
    await expect(completeTwoFactor(ctx, { pendingToken: res.pendingToken, method: 'sms', code: wrong })).rejects.toThrow(/did not work/);
    expect((await auditKinds(uid))[0]).toMatchObject({ kind: 'two_factor_failed', detail: { method: 'sms' } });
    await expect(completeTwoFactor(ctx, { pendingToken: res.pendingToken, method: 'sms', code })).resolves.toMatchObject({ kind: 'signed-in' });
  });

  it('refuses a code used once already', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    await sendSmsCode(ctx, { pendingToken: res.pendingToken });
    const code = gateway.lastCode(TO);
    await verifySmsCode(ctx, uid, res.pendingToken, code);
    await expect(verifySmsCode(ctx, uid, res.pendingToken, code)).rejects.toThrow(/did not work/);
  });

  it('refuses a code after 5 minutes', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    await sendSmsCode(ctx, { pendingToken: res.pendingToken });
    const code = gateway.lastCode(TO);
    clock.advance(5 * 60_000 + 1_000);
    await expect(verifySmsCode(ctx, uid, res.pendingToken, code)).rejects.toThrow(/expired/);
  });

  it('refuses a code sent for another sign-in, and one replaced by a newer code', async () => {
    const uid = await userId(CONTACT);
    const first = await passwordStep(CONTACT);
    await sendSmsCode(ctx, { pendingToken: first.pendingToken });
    const firstCode = gateway.lastCode(TO);
    const second = await passwordStep(CONTACT);
    await expect(verifySmsCode(ctx, uid, second.pendingToken, firstCode)).rejects.toThrow(/did not work/);
    await sendSmsCode(ctx, { pendingToken: second.pendingToken });
    const secondCode = gateway.lastCode(TO);
    await expect(verifySmsCode(ctx, uid, first.pendingToken, firstCode)).rejects.toThrow(/did not work/);
    await verifySmsCode(ctx, uid, second.pendingToken, secondCode);
  });

  it('sends at most 3 codes per 15 minutes per user', async () => {
    const res = await passwordStep(CONTACT);
    const before = gateway.sent.length;
    for (let i = 0; i < 3; i++) await sendSmsCode(ctx, { pendingToken: res.pendingToken });
    await expect(sendSmsCode(ctx, { pendingToken: res.pendingToken })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(gateway.sent.length - before).toBe(3);
    // The window slides: 15 minutes after the first send, one more may go (a new sign-in: the old one expired).
    clock.advance(15 * 60_000 + 1);
    const again = await passwordStep(CONTACT);
    await expect(sendSmsCode(ctx, { pendingToken: again.pendingToken })).resolves.toMatchObject({ ending: '42' });
  });

  it('stops accepting codes after 5 wrong ones, like authenticator codes', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    await sendSmsCode(ctx, { pendingToken: res.pendingToken });
    const code = gateway.lastCode(TO);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await expect(verifySmsCode(ctx, uid, res.pendingToken, wrong)).rejects.toThrow(/did not work/);
    await expect(verifySmsCode(ctx, uid, res.pendingToken, code)).rejects.toThrow(/Too many wrong codes/);
  });

  it('says clearly when the gateway refuses, without the token, and audits the failure', async () => {
    const uid = await userId(CONTACT);
    const res = await passwordStep(CONTACT);
    gateway.failNext(401, `Authenticate with ${gateway.authToken}`, 20003);
    const err = await sendSmsCode(ctx, { pendingToken: res.pendingToken }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TEMPORARY', message: expect.stringMatching(/could not send the text message/) });
    const failed = (await auditKinds(uid)).find((e) => e.kind === 'sms_send_failed')!;
    expect(failed.detail).toMatchObject({ purpose: 'sign_in', reason: 'credentials', ending: '42' });
    expect(String(failed.detail.message)).toMatch(/refused the account SID or auth token \(HTTP 401\)/);
    expect(JSON.stringify(failed.detail)).not.toContain(gateway.authToken);
    // The code that was not sent does not work.
    const row = (await ctx.db.select().from(smsCodes).where(and(eq(smsCodes.userId, uid))).orderBy(desc(smsCodes.id)))[0]!;
    expect(row.usedAt).not.toBeNull();
  });
});

describe('the sender', () => {
  const config = () => ({ apiUrl: gateway.url, accountSid: gateway.accountSid, authToken: gateway.authToken, fromNumber: '+15550109999' });

  it('gives up on a gateway that does not answer', async () => {
    gateway.hangNext();
    const err = await sendSms(config(), { to: TO, body: 'x' }, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmsSendError);
    expect(err).toMatchObject({ reason: 'timeout', message: 'The SMS gateway did not answer in time.' });
  });

  it('maps a refused message and an unreachable gateway to clear messages', async () => {
    await expect(sendSms(config(), { to: '12', body: 'x' })).rejects.toMatchObject({ reason: 'refused', message: expect.stringMatching(/not a valid phone number \(code 21211\)/) });
    await expect(sendSms({ ...config(), authToken: 'wrong' }, { to: TO, body: 'x' })).rejects.toMatchObject({ reason: 'credentials' });
    await expect(sendSms({ ...config(), apiUrl: 'http://127.0.0.1:1' }, { to: TO, body: 'x' })).rejects.toMatchObject({ reason: 'unreachable' });
  });
});

describe('cell phone numbers', () => {
  it('turns what people type into E.164', () => {
    expect(toE164('+1 (555) 010-0142', null)).toBe('+15550100142');
    expect(toE164('0044 7700 900042', null)).toBe('+447700900042');
    expect(toE164('07700 900042', '+44')).toBe('+447700900042');
    expect(toE164('555-010-0142', '+1')).toBe('+15550100142');
    expect(toE164('555-010-0142', null)).toBeNull();
    expect(toE164('+1 555', null)).toBeNull();
    expect(toE164('call me', '+1')).toBeNull();
  });
});
