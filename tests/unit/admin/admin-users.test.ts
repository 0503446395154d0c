import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import type { TEventRow } from '../../../db/schema/events';
import { companies, users } from '../../../db/schema/people';
import { sessions } from '../../../db/schema/sessions';
import { totpCredentials } from '../../../db/schema/two-factor';
import { endUserSessions } from '../../../server/admin/end-user-sessions';
import { listUsers } from '../../../server/admin/list-users';
import { unlockUser } from '../../../server/admin/unlock-user';
import { listAudit } from '../../../server/audit/list-audit';
import { recordAudit } from '../../../server/audit/record-audit';
import { actorForAccount } from '../../../server/auth/accounts';
import { signInWithPassword, type TSignInResult } from '../../../server/auth/sign-in';
import { sessionTopic } from '../../../server/auth/topics';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createContact } from '../../../server/people/create-contact';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let admin: ServiceContext;
/** The admin of a second provider, who must see nothing of the demo provider. */
let otherAdmin: ServiceContext;
let otherProviderId: number;

beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  const sys = withActor(base, system);
  const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
  otherProviderId = other.id;
  const staff = await createStaffMember(sys, other.id, { name: 'Olive Other', email: 'olive@other-msp.test', role: 'admin' });
  const olive = (await base.db.select().from(users).where(eq(users.email, 'olive@other-msp.test')))[0]!;
  otherAdmin = withActor(base, (await actorForAccount(base.db, olive, { kind: 'staff', id: staff.id }))!);
});
afterAll(() => cleanup());

let ipSeq = 0;
/** A fresh address per sign-in burst, so the per-IP throttle never decides a test. */
const meta = () => ({ deviceClass: 'desktop' as const, browser: 'Test', ip: `10.0.0.${++ipSeq}` });
const userId = async (email: string) => (await base.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const signedIn = (r: TSignInResult) => {
  if (r.kind !== 'signed-in') throw new Error(`expected a session, got ${r.kind}`);
  return r;
};
const adminMeta = { sessionId: 'not-a-session', ip: '192.0.2.1' };

describe('Users page', () => {
  it('lists staff and the contacts of both companies, with their accounts, and nobody else', async () => {
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    // The technician is also a contact of a client company: one person, two accounts.
    await createContact(admin, { companyId: acme.id, name: 'Taylor Tech', email: 'tech@demo-msp.test', types: ['standard'] });
    (await base.db.insert(totpCredentials).values({ userId: await userId('primary@northwind.test'), encryptedKey: 'x', confirmedAt: new Date(), createdAt: new Date() }));
    const { items, truncated } = await listUsers(admin, {});
    expect(truncated).toBe(false);
    const emails = items.map((u) => u.email);
    expect(emails).toHaveLength(10);
    expect(emails).toEqual(expect.arrayContaining(['admin@demo-msp.test', 'tech@demo-msp.test', 'standard@acme-dental.test', 'primary@northwind.test']));
    expect(emails).not.toContain('olive@other-msp.test');
    const tech = items.find((u) => u.email === 'tech@demo-msp.test')!;
    expect(tech.accounts).toEqual(['Staff · Technician', 'Acme Dental · Contact']);
    expect(items.find((u) => u.email === 'admin@demo-msp.test')).toMatchObject({ accounts: ['Staff · Administrator'], you: true });
    expect(items.find((u) => u.email === 'primary@northwind.test')).toMatchObject({ twoFactor: true, lockedAt: null, activeSessions: 0 });
    expect(items.find((u) => u.email === 'standard@northwind.test')!.twoFactor).toBe(false);
  });

  it('searches name and email, taking % and _ literally', async () => {
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    await createContact(admin, { companyId: acme.id, name: '100% Sure', email: 'sure@acme-dental.test', types: ['standard'] });
    expect((await listUsers(admin, { search: 'NORTHWIND' })).items.map((u) => u.email).sort()).toEqual(
      ['billing@northwind.test', 'primary@northwind.test', 'standard@northwind.test', 'technical@northwind.test'],
    );
    expect((await listUsers(admin, { search: 'pat prim' })).items.map((u) => u.name)).toEqual(['Pat Primary', 'Pat Primary']);
    expect((await listUsers(admin, { search: '%' })).items.map((u) => u.name)).toEqual(['100% Sure']);
    expect((await listUsers(admin, { search: '_' })).items).toEqual([]);
    expect((await listUsers(admin, { search: 'acme%dental' })).items).toEqual([]);
    expect((await listUsers(otherAdmin, { search: 'acme' })).items).toEqual([]);
  });

  it('refuses technicians and contacts', async () => {
    const target = { userId: await userId('standard@acme-dental.test') };
    for (const email of ['tech@demo-msp.test', 'primary@acme-dental.test']) {
      const ctx = await asDemoUser(base, email);
      await expect(listUsers(ctx, {})).rejects.toThrow(/staff administrator|staff only/);
      await expect(unlockUser(ctx, target, adminMeta)).rejects.toThrow(/staff administrator|staff only/);
      await expect(endUserSessions(ctx, target, adminMeta)).rejects.toThrow(/staff administrator|staff only/);
      await expect(listAudit(ctx, {})).rejects.toThrow(/staff administrator|staff only/);
    }
  });

  it("shows another provider's admin none of them, and answers NOT_FOUND on their ids", async () => {
    expect((await listUsers(otherAdmin, {})).items.map((u) => u.email)).toEqual(['olive@other-msp.test']);
    for (const email of ['standard@acme-dental.test', 'admin@demo-msp.test']) {
      await expect(unlockUser(otherAdmin, { userId: await userId(email) }, adminMeta)).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      await expect(endUserSessions(otherAdmin, { userId: await userId(email) }, adminMeta)).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    }
    await expect(unlockUser(admin, { userId: await userId('olive@other-msp.test') }, adminMeta)).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(unlockUser(admin, { userId: 999_999 }, adminMeta)).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('unlocks a locked account so its owner can sign in again, and audits who did it', async () => {
    const email = 'standard@acme-dental.test';
    const m = meta();
    for (let i = 0; i < 6; i++) {
      await expect(signInWithPassword(base, { email, password: `wrong-${i}` }, m)).rejects.toThrow('did not work');
    }
    // The seventh locks it, and from then on the answer says so (seed 001), the right password included.
    await expect(signInWithPassword(base, { email, password: 'wrong-6' }, m)).rejects.toThrow('This account is locked');
    await expect(signInWithPassword(base, { email, password: DEMO_PASSWORD }, m)).rejects.toThrow('This account is locked');
    const row = (await listUsers(admin, { search: email })).items[0]!;
    expect(row.lockedAt).not.toBeNull();
    expect(row.failedAttempts).toBe(7);

    expect(await unlockUser(admin, { userId: row.id }, adminMeta)).toEqual({ unlocked: true });
    expect((await listUsers(admin, { search: email })).items[0]).toMatchObject({ lockedAt: null, failedAttempts: 0 });
    signedIn(await signInWithPassword(base, { email, password: DEMO_PASSWORD }, meta()));
    // Unlocking an account that is not locked changes nothing and records nothing.
    expect(await unlockUser(admin, { userId: row.id }, adminMeta)).toEqual({ unlocked: false });

    const entries = (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'account_unlocked')));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ userId: row.id, actorUserId: await userId('admin@demo-msp.test'), email, ip: '192.0.2.1' });
  });

  it('ends every session of a user, telling each open tab, and keeps the admin\'s own', async () => {
    const email = 'billing@acme-dental.test';
    const a = signedIn(await signInWithPassword(base, { email, password: DEMO_PASSWORD }, meta()));
    const b = signedIn(await signInWithPassword(base, { email, password: DEMO_PASSWORD }, meta()));
    expect((await listUsers(admin, { search: email })).items[0]!.activeSessions).toBe(2);
    const heard: TEventRow[] = [];
    const offs = [a, b].map((s) => base.bus.on(sessionTopic(s.sessionId), (e) => heard.push(e)));

    expect(await endUserSessions(admin, { userId: await userId(email) }, adminMeta)).toEqual({ count: 2 });
    offs.forEach((off) => off());
    expect((await base.db.select().from(sessions).where(eq(sessions.userId, await userId(email))))).toEqual([]);
    expect(heard.map((e) => [e.topic, e.kind, e.payload])).toEqual([
      [sessionTopic(a.sessionId), 'session.ended', { reason: 'ended_by_admin' }],
      [sessionTopic(b.sessionId), 'session.ended', { reason: 'ended_by_admin' }],
    ]);
    expect((await listUsers(admin, { search: email })).items[0]!.activeSessions).toBe(0);
    const audit = (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'session_ended'))).slice(-2);
    for (const entry of audit) {
      expect(entry).toMatchObject({ userId: await userId(email), actorUserId: await userId('admin@demo-msp.test'), detail: { reason: 'ended_by_admin' } });
    }

    // The admin's own current session is never ended from here.
    const own = signedIn(await signInWithPassword(base, { email: 'admin@demo-msp.test', password: DEMO_PASSWORD }, meta()));
    signedIn(await signInWithPassword(base, { email: 'admin@demo-msp.test', password: DEMO_PASSWORD }, meta()));
    expect(await endUserSessions(admin, { userId: await userId('admin@demo-msp.test') }, { sessionId: own.sessionId, ip: '192.0.2.1' })).toEqual({ count: 1 });
    expect((await base.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, await userId('admin@demo-msp.test'))))).toEqual([{ id: own.sessionId }]);
  });

  it("leaves a person's sessions with another provider alone", async () => {
    const email = 'technical@northwind.test';
    const staff = await createStaffMember(withActor(base, system), otherProviderId, { name: 'Terry Technical', email, role: 'technician' });
    // Two accounts now: the session waits for a choice, then is put on the other provider's account.
    const s = signedIn(await signInWithPassword(base, { email, password: DEMO_PASSWORD }, meta()));
    (await base.db.update(sessions).set({ accountKind: 'staff', accountId: staff.id }).where(eq(sessions.id, s.sessionId)));
    expect((await listUsers(admin, { search: email })).items[0]!.activeSessions).toBe(0);
    expect((await listUsers(otherAdmin, { search: email })).items[0]!.activeSessions).toBe(1);
    expect(await endUserSessions(admin, { userId: await userId(email) }, adminMeta)).toEqual({ count: 0 });
    expect(await endUserSessions(otherAdmin, { userId: await userId(email) }, adminMeta)).toEqual({ count: 1 });
  });

  it('refuses bad input with clear messages', async () => {
    await expect(unlockUser(admin, { userId: -3 }, adminMeta)).rejects.toThrow('Unknown user.');
    await expect(endUserSessions(admin, { userId: 'all' }, adminMeta)).rejects.toThrow();
    await expect(listUsers(admin, { search: 'x'.repeat(101) })).rejects.toThrow('Search for at most 100 characters.');
  });
});

describe('Security log', () => {
  it("lists entries of the admin's provider and about its people only, newest first, by kind and page", async () => {
    const at = new Date();
    const sam = await userId('standard@northwind.test');
    const olive = await userId('olive@other-msp.test');
    const demoId = (admin.actor as { providerId: number }).providerId;
    // Failed sign-ins are not tied to a provider yet; the user decides who sees them.
    await recordAudit(base.db, at, { kind: 'sign_in_failed', userId: sam, email: 'standard@northwind.test', ip: '198.51.100.7' });
    await recordAudit(base.db, at, { kind: 'sign_in_failed', userId: olive, email: 'olive@other-msp.test', ip: '198.51.100.8' });
    await recordAudit(base.db, at, { kind: 'sign_in_failed', email: 'ghost@nowhere.test', ip: '198.51.100.9' });
    await recordAudit(base.db, at, { kind: 'two_factor_enabled', userId: olive, providerId: otherProviderId });
    // About a person both providers know, but done at the other provider: not the demo admin's business.
    await recordAudit(base.db, at, { kind: 'password_changed', userId: await userId('technical@northwind.test'), providerId: otherProviderId });
    await recordAudit(base.db, at, { kind: 'access_requested', providerId: demoId, email: 'new@acme-dental.test' });

    const mine = await listAudit(admin, { limit: 200 });
    const theirs = await listAudit(otherAdmin, { limit: 200 });
    expect(mine.map((e) => e.id)).toEqual([...mine.map((e) => e.id)].sort((x, y) => y - x));
    expect(mine.map((e) => e.email)).toEqual(expect.arrayContaining(['standard@northwind.test', 'new@acme-dental.test']));
    expect(mine.map((e) => e.email)).not.toContain('olive@other-msp.test');
    expect(mine.map((e) => e.email)).not.toContain('ghost@nowhere.test');
    expect(mine.map((e) => e.kind)).not.toContain('two_factor_enabled');
    expect(mine.map((e) => e.kind)).not.toContain('password_changed');
    expect(mine.find((e) => e.kind === 'account_unlocked')).toMatchObject({ userName: 'Sam Standard', actorName: 'Alex Admin' });

    expect(theirs.map((e) => e.kind)).toEqual(expect.arrayContaining(['password_changed', 'session_ended', 'sign_in_failed', 'two_factor_enabled']));
    expect(theirs.map((e) => e.email)).not.toContain('standard@northwind.test');
    // Nothing tagged with one provider ever shows on the other's log, whoever it is about.
    const taggedWith = async (pid: number) => new Set((await base.db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.providerId, pid))).map((r) => r.id));
    const demoTagged = await taggedWith(demoId);
    const otherTagged = await taggedWith(otherProviderId);
    expect(demoTagged.size).toBeGreaterThan(0);
    expect(otherTagged.size).toBeGreaterThan(0);
    expect(theirs.filter((e) => demoTagged.has(e.id))).toEqual([]);
    expect(mine.filter((e) => otherTagged.has(e.id))).toEqual([]);

    const failed = await listAudit(admin, { kind: 'sign_in_failed' });
    expect(failed.every((e) => e.kind === 'sign_in_failed')).toBe(true);
    expect(failed.map((e) => e.email)).toContain('standard@northwind.test');
    const first = await listAudit(admin, { limit: 2 });
    const next = await listAudit(admin, { limit: 2, before: first.at(-1)!.id });
    expect(next[0]!.id).toBeLessThan(first.at(-1)!.id);
    expect([...first, ...next].map((e) => e.id)).toEqual(mine.slice(0, 4).map((e) => e.id));
  });

  it('refuses bad input with clear messages', async () => {
    await expect(listAudit(admin, { before: -1 })).rejects.toThrow('Unknown log entry.');
    await expect(listAudit(admin, { limit: 100_000 })).rejects.toThrow('Show at most 200 entries at a time.');
    await expect(listAudit(admin, { limit: 0 })).rejects.toThrow();
    await expect(listAudit(admin, { kind: 'everything' })).rejects.toThrow('Unknown event kind.');
  });
});
