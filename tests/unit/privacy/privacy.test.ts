import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { companies, users } from '../../../db/schema/people';
import { privacyConsents } from '../../../db/schema/privacy';
import type { FixedClock } from '../../../server/core/clock';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createContact } from '../../../server/people/create-contact';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { actorForAccount } from '../../../server/auth/accounts';
import { acceptPrivacy } from '../../../server/privacy/accept-privacy';
import { listConsentPeople, setConsentRequired } from '../../../server/privacy/consent-people';
import { mustAcceptPrivacy, privacyPolicyOf } from '../../../server/privacy/consent-requirement';
import { csvCell, exportPrivacyHistory, toCsv } from '../../../server/privacy/privacy-csv';
import { listPrivacyHistory } from '../../../server/privacy/privacy-history';
import { getPrivacySettings, updatePrivacySettings } from '../../../server/privacy/privacy-settings';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const POLICY = 'https://demo-msp.test/privacy';
const userId = async (email: string) => (await base.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const admin = async () => await asDemoUser(base, 'admin@demo-msp.test');
const gated = async (email: string) => {
  const ctx = await asDemoUser(base, email);
  return await mustAcceptPrivacy(ctx, ctx.actor);
};

describe('privacy prompts: the gate', () => {
  it('is off without a policy version, and for people not flagged', async () => {
    expect(await getPrivacySettings(await admin())).toEqual({ policyVersion: '', policyUrl: '', policyText: '' });
    // Without a policy, requiring consent is refused plainly (it would do nothing).
    await expect(setConsentRequired(await admin(), { userId: await userId('standard@acme-dental.test'), required: true })).rejects.toThrow(
      'Set a privacy policy first',
    );
    expect((await base.db.select().from(users).where(eq(users.email, 'standard@acme-dental.test')))[0]!.consentRequired).toBe(false);
    await setConsentRequired(await admin(), { userId: await userId('standard@acme-dental.test'), required: false });

    await updatePrivacySettings(await admin(), { policyVersion: '2026-11', policyUrl: POLICY });
    expect(await getPrivacySettings(await admin())).toEqual({ policyVersion: '2026-11', policyUrl: POLICY, policyText: '' });
    await setConsentRequired(await admin(), { userId: await userId('standard@acme-dental.test'), required: true });
    expect(await gated('standard@acme-dental.test')).toBe(true);
    expect(await gated('billing@acme-dental.test')).toBe(false);
    expect(await gated('admin@demo-msp.test')).toBe(false);
  });

  it('records who accepted which version, from where and when, and lets them in', async () => {
    clock.set(new Date('2026-11-02T10:30:00Z'));
    const std = await asDemoUser(base, 'standard@acme-dental.test');
    const res = await acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.7' });
    expect(res.acceptedAt.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    expect(await gated('standard@acme-dental.test')).toBe(false);

    const rows = (await base.db.select().from(privacyConsents).where(eq(privacyConsents.userId, await userId('standard@acme-dental.test'))));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ policyVersion: '2026-11', ip: '203.0.113.7', providerId: (std.actor as { providerId: number }).providerId });
    expect(rows[0]!.createdAt.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    const audit = (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'privacy_accepted')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ email: 'standard@acme-dental.test', ip: '203.0.113.7', detail: { policyVersion: '2026-11' } });

    // Accepting the same version again (a second tab) keeps one record.
    await acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.8' });
    expect((await listPrivacyHistory(await admin(), {})).items).toHaveLength(1);
  });

  it('asks again for a new version, and refuses an acceptance of an old one', async () => {
    await updatePrivacySettings(await admin(), { policyVersion: '2027-01', policyUrl: POLICY });
    expect(await gated('standard@acme-dental.test')).toBe(true);
    const std = await asDemoUser(base, 'standard@acme-dental.test');
    await expect(acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.7' })).rejects.toThrow('The privacy policy has changed');
    clock.advance(60_000);
    await acceptPrivacy(std, { policyVersion: '2027-01' }, { ip: '203.0.113.9' });
    expect(await gated('standard@acme-dental.test')).toBe(false);
    const history = (await listPrivacyHistory(await admin(), {})).items;
    expect(history.map((h) => h.policyVersion)).toEqual(['2027-01', '2026-11']);
    expect(history[0]).toMatchObject({ name: 'Sam Standard', email: 'standard@acme-dental.test', ip: '203.0.113.9' });
  });

  it('turns off with an empty version', async () => {
    await setConsentRequired(await admin(), { userId: await userId('billing@acme-dental.test'), required: true });
    expect(await gated('billing@acme-dental.test')).toBe(true);
    await updatePrivacySettings(await admin(), { policyVersion: '', policyUrl: '' });
    expect(await gated('billing@acme-dental.test')).toBe(false);
    await expect(acceptPrivacy(await asDemoUser(base, 'billing@acme-dental.test'), { policyVersion: '2027-01' }, { ip: '1.2.3.4' })).rejects.toThrow(
      'There is no privacy policy to accept.',
    );
    await updatePrivacySettings(await admin(), { policyVersion: '2027-01', policyUrl: POLICY });
  });

  it('puts required two-factor setup first', async () => {
    await setConsentRequired(await admin(), { userId: await userId('tech@demo-msp.test'), required: true });
    expect(await gated('tech@demo-msp.test')).toBe(true);
    await expect(acceptPrivacy(await asDemoUser(base, 'tech@demo-msp.test'), { policyVersion: '2027-01' }, { ip: '1.2.3.4' })).rejects.toThrow(
      'Set up two-factor authentication',
    );
  });
});

describe('privacy prompts: who may manage them', () => {
  it('keeps settings, people and history from technicians and contacts', async () => {
    for (const email of ['tech@demo-msp.test', 'primary@acme-dental.test']) {
      const ctx = await asDemoUser(base, email);
      await expect(updatePrivacySettings(ctx, { policyVersion: 'x', policyUrl: POLICY })).rejects.toThrow(/staff administrator|staff only/);
      await expect(getPrivacySettings(ctx)).rejects.toThrow(/staff administrator|staff only/);
      await expect(listConsentPeople(ctx)).rejects.toThrow(/staff administrator|staff only/);
      await expect(setConsentRequired(ctx, { userId: await userId('primary@acme-dental.test'), required: true })).rejects.toThrow(/staff administrator|staff only/);
      await expect(listPrivacyHistory(ctx, {})).rejects.toThrow(/staff administrator|staff only/);
      await expect(exportPrivacyHistory(ctx)).rejects.toThrow(/staff administrator|staff only/);
    }
    expect((await getPrivacySettings(await admin())).policyVersion).toBe('2027-01');
  });

  it('scopes an admin of another provider to that provider', async () => {
    const sys = withActor(base, system);
    const other = await createProvider(sys, { name: 'Other IT', identifier: 'other-it' });
    const staff = await createStaffMember(sys, other.id, { name: 'Olga Other', email: 'olga@other-it.test', role: 'admin' });
    const olgaUser = (await base.db.select().from(users).where(eq(users.email, 'olga@other-it.test')))[0]!;
    const olga = withActor(base, (await actorForAccount(base.db, olgaUser, { kind: 'staff', id: staff.id }))!);

    expect((await listPrivacyHistory(olga, {})).items).toEqual([]);
    const csv = (await exportPrivacyHistory(olga)).csv;
    expect(csv).not.toContain('acme-dental.test');
    expect((await listConsentPeople(olga)).map((p) => p.email)).toEqual(['olga@other-it.test']);
    await expect(setConsentRequired(olga, { userId: await userId('primary@acme-dental.test'), required: true })).rejects.toThrow('Person not found.');
    expect((await base.db.select().from(users).where(eq(users.email, 'primary@acme-dental.test')))[0]!.consentRequired).toBe(false);

    // Its own version does not touch Demo MSP's.
    await updatePrivacySettings(olga, { policyVersion: 'o-1', policyUrl: 'https://other-it.test/privacy' });
    expect((await getPrivacySettings(await admin())).policyVersion).toBe('2027-01');
  });

  it('lists the provider\'s staff and contacts with their flag', async () => {
    const people = await listConsentPeople(await admin());
    const emails = people.map((p) => p.email);
    expect(emails).toContain('admin@demo-msp.test');
    expect(emails).toContain('primary@northwind.test');
    expect(emails).not.toContain('olga@other-it.test');
    expect(people.find((p) => p.email === 'standard@acme-dental.test')).toMatchObject({ consentRequired: true, accounts: ['Contact, Acme Dental'] });
    expect(people.find((p) => p.email === 'tech@demo-msp.test')!.accounts).toEqual(['Staff technician']);
  });
});

describe('privacy prompts: CSV export', () => {
  it('quotes commas, quotes and newlines and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Smith, Jo')).toBe('"Smith, Jo"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+31 20')).toBe("'+31 20");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('a=b')).toBe('a=b');
    expect(toCsv([['a', 'b'], ['c,d', 'e']])).toBe('a,b\r\n"c,d",e\r\n');
  });

  it('exports the whole history with a header, safe cells and a dated file name', async () => {
    const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
    const evil = await createContact(await admin(), { companyId: acme.id, name: '=HYPERLINK("http://evil.test","Click")', email: 'evil@acme-dental.test', types: ['standard'] });
    await setConsentRequired(await admin(), { userId: evil.userId!, required: true });
    await acceptPrivacy(await asDemoUser(base, 'evil@acme-dental.test'), { policyVersion: '2027-01' }, { ip: '198.51.100.1' });

    const { filename, csv } = await exportPrivacyHistory(await admin());
    expect(filename).toMatch(/^privacy-action-history-demo-msp-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Person,Email,Policy version,Accepted at (UTC),IP address');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.test"",""Click""\)",evil@acme-dental\.test,2027-01,\d{4}-.*Z,198\.51\.100\.1$/);
    expect(lines[3]).toBe('Sam Standard,standard@acme-dental.test,2026-11,2026-11-02T10:30:00.000Z,203.0.113.7');
  });
});

describe('privacy prompts: a policy as text', () => {
  it('counts a version with text alone as a policy, shown to the person who must accept it', async () => {
    const text = 'Demo MSP keeps your data in the EU.\nAsk privacy@demo-msp.test for a copy.';
    await updatePrivacySettings(await admin(), { policyVersion: '2027-03', policyUrl: '', policyText: text });
    expect(await getPrivacySettings(await admin())).toEqual({ policyVersion: '2027-03', policyUrl: '', policyText: text });
    expect(await gated('standard@acme-dental.test')).toBe(true);
    const std = await asDemoUser(base, 'standard@acme-dental.test');
    expect(await privacyPolicyOf(std, (std.actor as { providerId: number }).providerId)).toEqual({ version: '2027-03', url: null, text });
    await updatePrivacySettings(await admin(), { policyVersion: '2027-01', policyUrl: POLICY });
  });
});

describe('privacy prompts: input', () => {
  it('refuses bad settings with clear messages', async () => {
    await expect(updatePrivacySettings(await admin(), { policyVersion: '2027-02', policyUrl: '' })).rejects.toThrow('Enter the privacy policy URL or its text.');
    await expect(updatePrivacySettings(await admin(), { policyVersion: '', policyUrl: POLICY })).rejects.toThrow('Enter the policy version');
    await expect(updatePrivacySettings(await admin(), { policyVersion: '', policyUrl: '', policyText: 'We keep your data safe.' })).rejects.toThrow('Enter the policy version');
    await expect(updatePrivacySettings(await admin(), { policyVersion: '2027-02', policyUrl: '', policyText: 'bell\u0007' })).rejects.toThrow('control characters');
    await expect(updatePrivacySettings(await admin(), { policyVersion: '2027-02', policyUrl: 'javascript:alert(1)' })).rejects.toThrow(
      'Enter a web address starting with https://.',
    );
    await expect(updatePrivacySettings(await admin(), { policyVersion: 'x'.repeat(41), policyUrl: POLICY })).rejects.toThrow('under 40 characters');
    await expect(updatePrivacySettings(await admin(), { policyVersion: 'v1\u0000', policyUrl: POLICY })).rejects.toThrow('control characters');
    expect((await getPrivacySettings(await admin())).policyVersion).toBe('2027-01');
    await expect(setConsentRequired(await admin(), { userId: 0, required: true })).rejects.toThrow();
    await expect(setConsentRequired(await admin(), { userId: 999_999, required: true })).rejects.toThrow('Person not found.');
    await expect(acceptPrivacy(await asDemoUser(base, 'standard@acme-dental.test'), { policyVersion: ' ' }, { ip: '1.2.3.4' })).rejects.toThrow('Which policy version?');
    await expect(listPrivacyHistory(await admin(), { limit: 0 })).rejects.toThrow();
  });
});
