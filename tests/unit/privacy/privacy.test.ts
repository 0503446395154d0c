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
import { mustAcceptPrivacy } from '../../../server/privacy/consent-requirement';
import { csvCell, exportPrivacyHistory, toCsv } from '../../../server/privacy/privacy-csv';
import { listPrivacyHistory } from '../../../server/privacy/privacy-history';
import { getPrivacySettings, updatePrivacySettings } from '../../../server/privacy/privacy-settings';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => void;
beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const POLICY = 'https://demo-msp.test/privacy';
const userId = (email: string) => base.db.select().from(users).where(eq(users.email, email)).get()!.id;
const admin = () => asDemoUser(base, 'admin@demo-msp.test');
const gated = (email: string) => {
  const ctx = asDemoUser(base, email);
  return mustAcceptPrivacy(ctx, ctx.actor);
};

describe('privacy prompts: the gate', () => {
  it('is off without a policy version, and for people not flagged', () => {
    expect(getPrivacySettings(admin())).toEqual({ policyVersion: '', policyUrl: '' });
    setConsentRequired(admin(), { userId: userId('standard@acme-dental.test'), required: true });
    expect(gated('standard@acme-dental.test')).toBe(false);

    updatePrivacySettings(admin(), { policyVersion: '2026-11', policyUrl: POLICY });
    expect(getPrivacySettings(admin())).toEqual({ policyVersion: '2026-11', policyUrl: POLICY });
    expect(gated('standard@acme-dental.test')).toBe(true);
    expect(gated('billing@acme-dental.test')).toBe(false);
    expect(gated('admin@demo-msp.test')).toBe(false);
  });

  it('records who accepted which version, from where and when, and lets them in', () => {
    clock.set(new Date('2026-11-02T10:30:00Z'));
    const std = asDemoUser(base, 'standard@acme-dental.test');
    const res = acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.7' });
    expect(res.acceptedAt.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    expect(gated('standard@acme-dental.test')).toBe(false);

    const rows = base.db.select().from(privacyConsents).where(eq(privacyConsents.userId, userId('standard@acme-dental.test'))).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ policyVersion: '2026-11', ip: '203.0.113.7', providerId: (std.actor as { providerId: number }).providerId });
    expect(rows[0]!.createdAt.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    const audit = base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'privacy_accepted')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ email: 'standard@acme-dental.test', ip: '203.0.113.7', detail: { policyVersion: '2026-11' } });

    // Accepting the same version again (a second tab) keeps one record.
    acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.8' });
    expect(listPrivacyHistory(admin(), {}).items).toHaveLength(1);
  });

  it('asks again for a new version, and refuses an acceptance of an old one', () => {
    updatePrivacySettings(admin(), { policyVersion: '2027-01', policyUrl: POLICY });
    expect(gated('standard@acme-dental.test')).toBe(true);
    const std = asDemoUser(base, 'standard@acme-dental.test');
    expect(() => acceptPrivacy(std, { policyVersion: '2026-11' }, { ip: '203.0.113.7' })).toThrow('The privacy policy has changed');
    clock.advance(60_000);
    acceptPrivacy(std, { policyVersion: '2027-01' }, { ip: '203.0.113.9' });
    expect(gated('standard@acme-dental.test')).toBe(false);
    const history = listPrivacyHistory(admin(), {}).items;
    expect(history.map((h) => h.policyVersion)).toEqual(['2027-01', '2026-11']);
    expect(history[0]).toMatchObject({ name: 'Sam Standard', email: 'standard@acme-dental.test', ip: '203.0.113.9' });
  });

  it('turns off with an empty version', () => {
    setConsentRequired(admin(), { userId: userId('billing@acme-dental.test'), required: true });
    expect(gated('billing@acme-dental.test')).toBe(true);
    updatePrivacySettings(admin(), { policyVersion: '', policyUrl: '' });
    expect(gated('billing@acme-dental.test')).toBe(false);
    expect(() => acceptPrivacy(asDemoUser(base, 'billing@acme-dental.test'), { policyVersion: '2027-01' }, { ip: '1.2.3.4' })).toThrow(
      'There is no privacy policy to accept.',
    );
    updatePrivacySettings(admin(), { policyVersion: '2027-01', policyUrl: POLICY });
  });

  it('puts required two-factor setup first', () => {
    setConsentRequired(admin(), { userId: userId('tech@demo-msp.test'), required: true });
    expect(gated('tech@demo-msp.test')).toBe(true);
    expect(() => acceptPrivacy(asDemoUser(base, 'tech@demo-msp.test'), { policyVersion: '2027-01' }, { ip: '1.2.3.4' })).toThrow(
      'Set up two-factor authentication',
    );
  });
});

describe('privacy prompts: who may manage them', () => {
  it('keeps settings, people and history from technicians and contacts', () => {
    for (const email of ['tech@demo-msp.test', 'primary@acme-dental.test']) {
      const ctx = asDemoUser(base, email);
      expect(() => updatePrivacySettings(ctx, { policyVersion: 'x', policyUrl: POLICY })).toThrow(/staff administrator|staff only/);
      expect(() => getPrivacySettings(ctx)).toThrow(/staff administrator|staff only/);
      expect(() => listConsentPeople(ctx)).toThrow(/staff administrator|staff only/);
      expect(() => setConsentRequired(ctx, { userId: userId('primary@acme-dental.test'), required: true })).toThrow(/staff administrator|staff only/);
      expect(() => listPrivacyHistory(ctx, {})).toThrow(/staff administrator|staff only/);
      expect(() => exportPrivacyHistory(ctx)).toThrow(/staff administrator|staff only/);
    }
    expect(getPrivacySettings(admin()).policyVersion).toBe('2027-01');
  });

  it('scopes an admin of another provider to that provider', () => {
    const sys = withActor(base, system);
    const other = createProvider(sys, { name: 'Other IT', identifier: 'other-it' });
    const staff = createStaffMember(sys, other.id, { name: 'Olga Other', email: 'olga@other-it.test', role: 'admin' });
    const olgaUser = base.db.select().from(users).where(eq(users.email, 'olga@other-it.test')).get()!;
    const olga = withActor(base, actorForAccount(base.db, olgaUser, { kind: 'staff', id: staff.id })!);

    expect(listPrivacyHistory(olga, {}).items).toEqual([]);
    const csv = exportPrivacyHistory(olga).csv;
    expect(csv).not.toContain('acme-dental.test');
    expect(listConsentPeople(olga).map((p) => p.email)).toEqual(['olga@other-it.test']);
    expect(() => setConsentRequired(olga, { userId: userId('primary@acme-dental.test'), required: true })).toThrow('Person not found.');
    expect(base.db.select().from(users).where(eq(users.email, 'primary@acme-dental.test')).get()!.consentRequired).toBe(false);

    // Its own version does not touch Demo MSP's.
    updatePrivacySettings(olga, { policyVersion: 'o-1', policyUrl: 'https://other-it.test/privacy' });
    expect(getPrivacySettings(admin()).policyVersion).toBe('2027-01');
  });

  it('lists the provider\'s staff and contacts with their flag', () => {
    const people = listConsentPeople(admin());
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

  it('exports the whole history with a header, safe cells and a dated file name', () => {
    const acme = base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')).get()!;
    const evil = createContact(admin(), { companyId: acme.id, name: '=HYPERLINK("http://evil.test","Click")', email: 'evil@acme-dental.test', types: ['standard'] });
    setConsentRequired(admin(), { userId: evil.userId!, required: true });
    acceptPrivacy(asDemoUser(base, 'evil@acme-dental.test'), { policyVersion: '2027-01' }, { ip: '198.51.100.1' });

    const { filename, csv } = exportPrivacyHistory(admin());
    expect(filename).toMatch(/^privacy-action-history-demo-msp-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Person,Email,Policy version,Accepted at (UTC),IP address');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.test"",""Click""\)",evil@acme-dental\.test,2027-01,\d{4}-.*Z,198\.51\.100\.1$/);
    expect(lines[3]).toBe('Sam Standard,standard@acme-dental.test,2026-11,2026-11-02T10:30:00.000Z,203.0.113.7');
  });
});

describe('privacy prompts: input', () => {
  it('refuses bad settings with clear messages', () => {
    expect(() => updatePrivacySettings(admin(), { policyVersion: '2027-02', policyUrl: '' })).toThrow('Enter the privacy policy URL.');
    expect(() => updatePrivacySettings(admin(), { policyVersion: '2027-02', policyUrl: 'javascript:alert(1)' })).toThrow(
      'Enter a web address starting with https://.',
    );
    expect(() => updatePrivacySettings(admin(), { policyVersion: 'x'.repeat(41), policyUrl: POLICY })).toThrow('under 40 characters');
    expect(() => updatePrivacySettings(admin(), { policyVersion: 'v1\u0000', policyUrl: POLICY })).toThrow('control characters');
    expect(getPrivacySettings(admin()).policyVersion).toBe('2027-01');
    expect(() => setConsentRequired(admin(), { userId: 0, required: true })).toThrow();
    expect(() => setConsentRequired(admin(), { userId: 999_999, required: true })).toThrow('Person not found.');
    expect(() => acceptPrivacy(asDemoUser(base, 'standard@acme-dental.test'), { policyVersion: ' ' }, { ip: '1.2.3.4' })).toThrow('Which policy version?');
    expect(() => listPrivacyHistory(admin(), { limit: 0 })).toThrow();
  });
});
