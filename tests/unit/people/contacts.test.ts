import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import type { TEventRow } from '../../../db/schema/events';
import { companies, contacts, users } from '../../../db/schema/people';
import { validateSession } from '../../../server/auth/session';
import { signInWithPassword } from '../../../server/auth/sign-in';
import { sessionTopic } from '../../../server/auth/topics';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { archiveCompany, listCompanies, updateCompany } from '../../../server/people/manage-companies';
import { listContacts, setPortalAccess, updateContact } from '../../../server/people/manage-contacts';
import { getProfile, updateProfile } from '../../../server/people/profile';
import { setProfilePhoto } from '../../../server/people/profile-photo';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = freshContext());
  await seedDemo(base);
  const sys = withActor(base, system);
  const other = createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
  createStaffMember(sys, other.id, { name: 'Olive Other', email: 'olive@other.test', role: 'admin' });
});
afterAll(() => cleanup());

const company = (name: string) => base.db.select().from(companies).where(eq(companies.name, name)).get()!;
const contactOf = (email: string) => base.db.select().from(contacts).where(eq(contacts.email, email)).get()!;

describe('contacts', () => {
  it('lets Technical and Primary contacts and staff manage their company only', () => {
    const acme = company('Acme Dental').id;
    for (const who of ['technical@acme-dental.test', 'primary@acme-dental.test', 'admin@demo-msp.test', 'tech@demo-msp.test']) {
      expect(listContacts(asDemoUser(base, who), { companyId: acme }).items.length, who).toBeGreaterThanOrEqual(4);
    }
    for (const who of ['standard@acme-dental.test', 'billing@acme-dental.test']) {
      expect(() => listContacts(asDemoUser(base, who), { companyId: acme }), who).toThrow('Only Technical and Primary');
    }
    for (const who of ['technical@northwind.test', 'olive@other.test']) {
      expect(() => listContacts(asDemoUser(base, who), { companyId: acme }), who).toThrow('Company not found');
      expect(() => updateContact(asDemoUser(base, who), { contactId: contactOf('standard@acme-dental.test').id, title: 'x' }), who).toThrow(/not found/);
    }
    expect(listContacts(asDemoUser(base, 'admin@demo-msp.test'), { companyId: acme, search: '%' }).items).toEqual([]);
    expect(listContacts(asDemoUser(base, 'admin@demo-msp.test'), { companyId: acme, search: 'billing' }).items.map((c) => c.email)).toEqual(['billing@acme-dental.test']);
  });

  it('refuses changing your own types, and lets only Primary grant or remove Primary', () => {
    const tech = asDemoUser(base, 'technical@acme-dental.test');
    const primary = asDemoUser(base, 'primary@acme-dental.test');
    const std = contactOf('standard@acme-dental.test').id;
    expect(() => updateContact(tech, { contactId: contactOf('technical@acme-dental.test').id, types: ['technical', 'billing'] })).toThrow('your own contact types');
    expect(() => updateContact(tech, { contactId: std, types: ['standard', 'primary'] })).toThrow('Only Primary contacts');
    updateContact(tech, { contactId: std, types: ['standard', 'billing'], title: 'Office manager' });
    expect(contactOf('standard@acme-dental.test')).toMatchObject({ types: ['standard', 'billing'], title: 'Office manager' });
    updateContact(primary, { contactId: std, types: ['standard', 'primary'] });
    expect(contactOf('standard@acme-dental.test').types).toContain('primary');
    expect(() => updateContact(tech, { contactId: std, types: ['standard'] })).toThrow('Only Primary contacts');
    updateContact(primary, { contactId: std, types: ['standard'] });
    expect(() => updateContact(tech, { contactId: std, types: [] })).toThrow('Pick at least one contact type.');
  });

  it('revoking portal access ends that account’s sessions at once and refuses sign-in to it', async () => {
    const res = await signInWithPassword(base, { email: 'billing@northwind.test', password: DEMO_PASSWORD }, { deviceClass: 'desktop', browser: 'T', ip: '10.5.0.1' });
    if (res.kind !== 'signed-in') throw new Error(res.kind);
    const heard: TEventRow[] = [];
    const off = base.bus.on(sessionTopic(res.sessionId), (e) => heard.push(e));
    const primary = asDemoUser(base, 'primary@northwind.test');
    expect(() => setPortalAccess(primary, { contactId: contactOf('primary@northwind.test').id, enabled: false })).toThrow('your own portal access');
    expect(setPortalAccess(primary, { contactId: contactOf('billing@northwind.test').id, enabled: false })).toEqual({ ended: 1 });
    off();
    expect(heard.map((e) => e.payload)).toEqual([{ reason: 'access_revoked' }]);
    expect(await validateSession(base, res.sessionId)).toBeNull();
    await expect(signInWithPassword(base, { email: 'billing@northwind.test', password: DEMO_PASSWORD }, { deviceClass: 'desktop', browser: 'T', ip: '10.5.0.1' })).rejects.toThrow('turned off');
    setPortalAccess(primary, { contactId: contactOf('billing@northwind.test').id, enabled: true });
  });
});

describe('companies (staff console)', () => {
  it('lists, edits and archives the provider’s companies only', () => {
    const admin = asDemoUser(base, 'admin@demo-msp.test');
    const nw = company('Northwind Logistics').id;
    updateCompany(admin, { companyId: nw, emailDomains: ['northwind.test', 'nw.example'], require2fa: false });
    expect(listCompanies(admin, {}).find((c) => c.id === nw)).toMatchObject({ emailDomains: ['northwind.test', 'nw.example'], contacts: 4 });
    expect(() => updateCompany(admin, { companyId: nw, emailDomains: ['not a domain'] })).toThrow('example.com');
    expect(() => updateCompany(asDemoUser(base, 'olive@other.test'), { companyId: nw, name: 'Mine' })).toThrow('Company not found');
    expect(() => listCompanies(asDemoUser(base, 'primary@northwind.test'), {})).toThrow('staff only');
    archiveCompany(admin, { companyId: nw, archived: true });
    expect(listCompanies(admin, {}).map((c) => c.name)).toEqual(['Acme Dental']);
    archiveCompany(admin, { companyId: nw, archived: false });
  });
});

describe('profile', () => {
  it('updates the name and phones everywhere, and stores a photo re-encoded at 256 px', async () => {
    const user = base.db.select().from(users).where(eq(users.email, 'technical@northwind.test')).get()!;
    updateProfile(base, user.id, { name: 'Tina Tech', phoneOffice: '+1 (555) 010-2000', phoneCell: '' });
    expect(getProfile(base, user.id)).toMatchObject({ name: 'Tina Tech', phoneOffice: '+1 (555) 010-2000', phoneCell: '', photoDataUrl: null });
    expect(() => updateProfile(base, user.id, { name: 'X', phoneOffice: '<script>' })).toThrow('digits');

    const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#336699' } }).png().toBuffer();
    const { photoDataUrl } = await setProfilePhoto(base, user.id, { dataBase64: png.toString('base64') });
    const stored = Buffer.from(photoDataUrl.split(',')[1]!, 'base64');
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(getProfile(base, user.id).photoDataUrl).toBe(photoDataUrl);
    await expect(setProfilePhoto(base, user.id, { dataBase64: Buffer.from('<svg onload=alert(1)>').toString('base64') })).rejects.toThrow('JPEG, PNG');
  });
});
