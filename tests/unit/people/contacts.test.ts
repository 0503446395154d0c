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
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  const sys = withActor(base, system);
  const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
  await createStaffMember(sys, other.id, { name: 'Olive Other', email: 'olive@other.test', role: 'admin' });
});
afterAll(() => cleanup());

const company = async (name: string) => (await base.db.select().from(companies).where(eq(companies.name, name)))[0]!;
const contactOf = async (email: string) => (await base.db.select().from(contacts).where(eq(contacts.email, email)))[0]!;

describe('contacts', () => {
  it('lets Technical and Primary contacts and staff manage their company only', async () => {
    const acme = (await company('Acme Dental')).id;
    for (const who of ['technical@acme-dental.test', 'primary@acme-dental.test', 'admin@demo-msp.test', 'tech@demo-msp.test']) {
      expect((await listContacts(await asDemoUser(base, who), { companyId: acme })).items.length, who).toBeGreaterThanOrEqual(4);
    }
    for (const who of ['standard@acme-dental.test', 'billing@acme-dental.test']) {
      await expect(listContacts(await asDemoUser(base, who), { companyId: acme }), who).rejects.toThrow('Only Technical and Primary');
    }
    for (const who of ['technical@northwind.test', 'olive@other.test']) {
      await expect(listContacts(await asDemoUser(base, who), { companyId: acme }), who).rejects.toThrow('Company not found');
      await expect(updateContact(await asDemoUser(base, who), { contactId: (await contactOf('standard@acme-dental.test')).id, title: 'x' }), who).rejects.toThrow(/not found/);
    }
    expect((await listContacts(await asDemoUser(base, 'admin@demo-msp.test'), { companyId: acme, search: '%' })).items).toEqual([]);
    expect((await listContacts(await asDemoUser(base, 'admin@demo-msp.test'), { companyId: acme, search: 'billing' })).items.map((c) => c.email)).toEqual(['billing@acme-dental.test']);
  });

  it('refuses changing your own types, and lets only Primary grant or remove Primary', async () => {
    const tech = await asDemoUser(base, 'technical@acme-dental.test');
    const primary = await asDemoUser(base, 'primary@acme-dental.test');
    const std = (await contactOf('standard@acme-dental.test')).id;
    await expect(updateContact(tech, { contactId: (await contactOf('technical@acme-dental.test')).id, types: ['technical', 'billing'] })).rejects.toThrow('your own contact types');
    await expect(updateContact(tech, { contactId: std, types: ['standard', 'primary'] })).rejects.toThrow('Only Primary contacts');
    await updateContact(tech, { contactId: std, types: ['standard', 'billing'], title: 'Office manager' });
    expect(await contactOf('standard@acme-dental.test')).toMatchObject({ types: ['standard', 'billing'], title: 'Office manager' });
    await updateContact(primary, { contactId: std, types: ['standard', 'primary'] });
    expect((await contactOf('standard@acme-dental.test')).types).toContain('primary');
    await expect(updateContact(tech, { contactId: std, types: ['standard'] })).rejects.toThrow('Only Primary contacts');
    await updateContact(primary, { contactId: std, types: ['standard'] });
    await expect(updateContact(tech, { contactId: std, types: [] })).rejects.toThrow('Pick at least one contact type.');
  });

  it('revoking portal access ends that account’s sessions at once and refuses sign-in to it', async () => {
    const res = await signInWithPassword(base, { email: 'billing@northwind.test', password: DEMO_PASSWORD }, { deviceClass: 'desktop', browser: 'T', ip: '10.5.0.1' });
    if (res.kind !== 'signed-in') throw new Error(res.kind);
    const heard: TEventRow[] = [];
    const off = base.bus.on(sessionTopic(res.sessionId), (e) => heard.push(e));
    const primary = await asDemoUser(base, 'primary@northwind.test');
    await expect(setPortalAccess(primary, { contactId: (await contactOf('primary@northwind.test')).id, enabled: false })).rejects.toThrow('your own portal access');
    expect(await setPortalAccess(primary, { contactId: (await contactOf('billing@northwind.test')).id, enabled: false })).toEqual({ ended: 1 });
    off();
    expect(heard.map((e) => e.payload)).toEqual([{ reason: 'access_revoked' }]);
    expect(await validateSession(base, res.sessionId)).toBeNull();
    await expect(signInWithPassword(base, { email: 'billing@northwind.test', password: DEMO_PASSWORD }, { deviceClass: 'desktop', browser: 'T', ip: '10.5.0.1' })).rejects.toThrow('turned off');
    await setPortalAccess(primary, { contactId: (await contactOf('billing@northwind.test')).id, enabled: true });
  });
});

describe('companies (staff console)', () => {
  it('lists, edits and archives the provider’s companies only', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const nw = (await company('Northwind Logistics')).id;
    await updateCompany(admin, { companyId: nw, emailDomains: ['northwind.test', 'nw.example'], require2fa: false });
    expect((await listCompanies(admin, {})).find((c) => c.id === nw)).toMatchObject({ emailDomains: ['northwind.test', 'nw.example'], contacts: 4 });
    await expect(updateCompany(admin, { companyId: nw, emailDomains: ['not a domain'] })).rejects.toThrow('example.com');
    await expect(updateCompany(await asDemoUser(base, 'olive@other.test'), { companyId: nw, name: 'Mine' })).rejects.toThrow('Company not found');
    await expect(listCompanies(await asDemoUser(base, 'primary@northwind.test'), {})).rejects.toThrow('staff only');
    await archiveCompany(admin, { companyId: nw, archived: true });
    expect((await listCompanies(admin, {})).map((c) => c.name)).toEqual(['Acme Dental']);
    await archiveCompany(admin, { companyId: nw, archived: false });
  });
});

describe('profile', () => {
  it('updates the name and phones everywhere, and stores a photo re-encoded at 256 px', async () => {
    const user = (await base.db.select().from(users).where(eq(users.email, 'technical@northwind.test')))[0]!;
    await updateProfile(base, user.id, { name: 'Tina Tech', phoneOffice: '+1 (555) 010-2000', phoneCell: '' });
    expect(await getProfile(base, user.id)).toMatchObject({ name: 'Tina Tech', phoneOffice: '+1 (555) 010-2000', phoneCell: '', photoDataUrl: null });
    await expect(updateProfile(base, user.id, { name: 'X', phoneOffice: '<script>' })).rejects.toThrow('digits');

    const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#336699' } }).png().toBuffer();
    const { photoDataUrl } = await setProfilePhoto(base, user.id, { dataBase64: png.toString('base64') });
    const stored = Buffer.from(photoDataUrl.split(',')[1]!, 'base64');
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect((await getProfile(base, user.id)).photoDataUrl).toBe(photoDataUrl);
    await expect(setProfilePhoto(base, user.id, { dataBase64: Buffer.from('<svg onload=alert(1)>').toString('base64') })).rejects.toThrow('JPEG, PNG');
  });
});
