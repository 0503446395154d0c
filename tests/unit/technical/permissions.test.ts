import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { seedTechnical } from '../../../server/seed/demo-technical';
import { companies, users } from '../../../db/schema/people';
import { assets, certificates, documents, domains } from '../../../db/schema/technical';
import { actorForAccount } from '../../../server/auth/accounts';
import { system } from '../../../server/core/actor';
import { AppError } from '../../../server/core/app-error';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { createAsset, getAsset, listAssets, myAssets, setAssetArchived, updateAsset } from '../../../server/technical/assets';
import { createCertificate, deleteCertificate, getCertificate, listCertificates, updateCertificate } from '../../../server/technical/certificates';
import { deleteDocument, getDocument, listDocuments, openDocument, storeDocument, updateDocument } from '../../../server/technical/documents';
import { createDomain, deleteDomain, getDomain, listDomains, updateDomain } from '../../../server/technical/domains';
import { technicalCompanies, technicalContacts } from '../../../server/technical/pickers';
import { technicalSummary } from '../../../server/technical/summary';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => void;
let dataDir: string;
let other: ServiceContext;
beforeAll(async () => {
  const f = freshContext();
  dataDir = mkdtempSync(join(tmpdir(), 'portico-tech-'));
  base = { ...f.ctx, settings: { ...f.ctx.settings, DATA_DIR: dataDir } };
  cleanup = f.cleanup;
  await seedDemo(base);
  await seedTechnical(base);
  // Staff of a second provider.
  const sys = withActor(base, system);
  const p = createProvider(sys, { name: 'Other IT', identifier: 'other-it' });
  const s = createStaffMember(sys, p.id, { name: 'Olga Other', email: 'olga@other-it.test', role: 'admin' });
  const u = base.db.select().from(users).where(eq(users.email, 'olga@other-it.test')).get()!;
  other = withActor(base, actorForAccount(base.db, u, { kind: 'staff', id: s.id })!);
});
afterAll(() => {
  cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const ACTORS = ['standard', 'billing', 'technical', 'primary', 'northwind', 'technician', 'admin', 'other'] as const;
type TWho = (typeof ACTORS)[number];
const as = (who: TWho): ServiceContext =>
  who === 'other'
    ? other
    : asDemoUser(base, { standard: 'standard@acme-dental.test', billing: 'billing@acme-dental.test', technical: 'technical@acme-dental.test', primary: 'primary@acme-dental.test', northwind: 'technical@northwind.test', technician: 'tech@demo-msp.test', admin: 'admin@demo-msp.test' }[who]);

const acme = () => base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')).get()!;
const acmeRow = <T extends { companyId: number; name?: string; title?: string }>(rows: T[], label: string) => rows.find((r) => r.companyId === acme().id && (r.name ?? r.title) === label)!;
const asset = (name: string) => acmeRow(base.db.select().from(assets).all(), name);
const doc = (title: string) => acmeRow(base.db.select().from(documents).all(), title);
const domain = () => acmeRow(base.db.select().from(domains).all(), 'acme-dental.com');
const cert = () => acmeRow(base.db.select().from(certificates).all(), 'Website');
async function* bytes(s: string) {
  yield Buffer.from(s);
}

/** 'ok' or the AppError code. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

const Y = 'ok', F = 'FORBIDDEN', N = 'NOT_FOUND';
/* Expected per actor, in the order: standard, billing, technical, primary (Acme Dental), technical of Northwind, technician, admin, staff of another provider. */
const MATRIX: [string, (c: ServiceContext) => unknown, string[]][] = [
  ['technicalSummary', (c) => technicalSummary(c), [Y, Y, Y, Y, Y, Y, Y, Y]],
  ['myAssets', (c) => myAssets(c), [Y, Y, Y, Y, Y, F, F, F]],
  ['listAssets', (c) => listAssets(c, {}), [Y, Y, Y, Y, Y, Y, Y, Y]],
  ['listAssets of Acme', (c) => listAssets(c, { companyId: acme().id }), [Y, Y, Y, Y, N, Y, Y, N]],
  ['getAsset (assigned to standard@)', (c) => getAsset(c, { assetId: asset('Reception PC').id }), [Y, N, Y, Y, N, Y, Y, N]],
  ['getAsset (unassigned)', (c) => getAsset(c, { assetId: asset('File server').id }), [N, N, Y, Y, N, Y, Y, N]],
  ['createAsset', (c) => createAsset(c, { companyId: acme().id, name: 'Spare laptop', type: 'Laptop' }), [F, F, F, F, F, Y, Y, N]],
  ['updateAsset', (c) => updateAsset(c, { assetId: asset('File server').id, name: 'File server', type: 'Server' }), [F, F, F, F, F, Y, Y, N]],
  ['archiveAsset', (c) => setAssetArchived(c, { assetId: asset('Office firewall').id, archived: false }), [F, F, F, F, F, Y, Y, N]],
  ['technicalContacts of Acme', (c) => technicalContacts(c, { companyId: acme().id }), [F, F, Y, Y, N, Y, Y, N]],
  ['technicalCompanies', (c) => technicalCompanies(c), [F, F, F, F, F, Y, Y, Y]],
  ['listDocuments', (c) => listDocuments(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getDocument (visible)', (c) => getDocument(c, { documentId: doc('Network overview').id }), [F, F, Y, Y, N, Y, Y, N]],
  ['getDocument (hidden)', (c) => getDocument(c, { documentId: doc('Technician handover notes').id }), [F, F, N, N, N, Y, Y, N]],
  ['storeDocument for Acme', (c) => storeDocument(c, { companyId: acme().id, title: 'Matrix' }, bytes('hello'), 'matrix.txt'), [F, F, Y, Y, N, Y, Y, N]],
  ['updateDocument', (c) => updateDocument(c, { documentId: doc('Network overview').id, title: 'Network overview', visibleToClient: true }), [F, F, F, F, F, Y, Y, N]],
  ['listDomains', (c) => listDomains(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getDomain', (c) => getDomain(c, { domainId: domain().id }), [F, F, Y, Y, N, Y, Y, N]],
  ['createDomain', (c) => createDomain(c, { companyId: acme().id, name: `x${Math.random().toString(36).slice(2, 8)}.com` }), [F, F, F, F, F, Y, Y, N]],
  ['updateDomain', (c) => updateDomain(c, { domainId: domain().id, name: 'acme-dental.com', expiresOn: domain().expiresOn }), [F, F, F, F, F, Y, Y, N]],
  ['listCertificates', (c) => listCertificates(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getCertificate', (c) => getCertificate(c, { certificateId: cert().id }), [F, F, Y, Y, N, Y, Y, N]],
  ['createCertificate', (c) => createCertificate(c, { companyId: acme().id, name: 'VPN', fqdn: 'vpn.acme-dental.com' }), [F, F, F, F, F, Y, Y, N]],
  ['updateCertificate', (c) => updateCertificate(c, { certificateId: cert().id, name: 'Website', fqdn: cert().fqdn, expiresOn: cert().expiresOn }), [F, F, F, F, F, Y, Y, N]],
];

describe('technical permission matrix', () => {
  for (const [name, fn, expected] of MATRIX) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const who of ACTORS) got[who] = await outcome(() => fn(as(who)));
      expect(got).toEqual(Object.fromEntries(ACTORS.map((w, i) => [w, expected[i]])));
    });
  }

  // Deleting needs a fresh record per attempt.
  for (const [name, make, remove] of [
    ['deleteDomain', (c: ServiceContext) => createDomain(c, { companyId: acme().id, name: `del${Math.random().toString(36).slice(2, 8)}.com` }).id, (c: ServiceContext, id: number) => deleteDomain(c, { domainId: id })],
    ['deleteCertificate', (c: ServiceContext) => createCertificate(c, { companyId: acme().id, name: 'Temp', fqdn: 'temp.acme-dental.com' }).id, (c: ServiceContext, id: number) => deleteCertificate(c, { certificateId: id })],
    [
      'deleteDocument',
      async (c: ServiceContext) => (await storeDocument(c, { companyId: acme().id, title: 'Temp' }, bytes(`temp ${Math.random()}`), 'temp.txt')).id,
      (c: ServiceContext, id: number) => deleteDocument(c, { documentId: id }),
    ],
  ] as const) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const who of ACTORS) {
        const id = await make(as('admin'));
        got[who] = await outcome(() => remove(as(who), id));
      }
      expect(got).toEqual({ standard: F, billing: F, technical: F, primary: F, northwind: F, technician: Y, admin: Y, other: N });
    });
  }
});

describe('what each caller sees', () => {
  const names = (items: { name: string; companyName: string }[]) => items.map((i) => `${i.companyName}: ${i.name}`).sort();

  it('a Standard contact sees only their assigned asset; Billing-only none', () => {
    expect(names(listAssets(as('standard'), {}).items)).toEqual(['Acme Dental: Reception PC']);
    expect(names(myAssets(as('standard')).items)).toEqual(['Acme Dental: Reception PC']);
    expect(listAssets(as('billing'), {}).items).toEqual([]);
    // Filters cannot widen the scope.
    expect(names(listAssets(as('standard'), { search: 'server' }).items)).toEqual([]);
    const s = technicalSummary(as('standard'));
    expect(s.assignedAssets.count).toBe(1);
    expect(s.expiring).toBeNull();
  });

  it('Technical and Primary contacts see their company only; staff every company of their provider; other providers nothing', () => {
    expect(new Set(listAssets(as('technical'), {}).items.map((a) => a.companyName))).toEqual(new Set(['Acme Dental']));
    expect(new Set(listDomains(as('northwind'), {}).items.map((a) => a.companyName))).toEqual(new Set(['Northwind Logistics']));
    expect(new Set(listCertificates(as('technician'), {}).items.map((a) => a.companyName))).toEqual(new Set(['Acme Dental', 'Northwind Logistics']));
    expect(listAssets(other, {}).items).toEqual([]);
    expect(technicalCompanies(other)).toEqual([]);
    expect(technicalSummary(other).expiring).toMatchObject({ domains: { count: 0 }, certificates: { count: 0 }, warranties: { count: 0 } });
  });

  it('an archived asset leaves every client list but stays for staff', () => {
    const id = asset('Reception PC').id;
    setAssetArchived(as('admin'), { assetId: id, archived: true });
    expect(myAssets(as('standard')).items).toEqual([]);
    expect(listAssets(as('technical'), {}).items.some((a) => a.id === id)).toBe(false);
    expect(() => getAsset(as('standard'), { assetId: id })).toThrow('No such asset.');
    expect(listAssets(as('admin'), { companyId: acme().id, includeArchived: true }).items.find((a) => a.id === id)?.archived).toBe(true);
    setAssetArchived(as('admin'), { assetId: id, archived: false });
    expect(myAssets(as('standard')).items.map((a) => a.id)).toEqual([id]);
  });

  it('searches name, serial and model with % and _ taken literally, and filters', () => {
    const c = as('technical');
    expect(names(listAssets(c, { search: 'ACM-PR-204' }).items)).toEqual(['Acme Dental: Front desk printer']);
    expect(names(listAssets(c, { search: 'optiplex' }).items)).toEqual(['Acme Dental: Reception PC']);
    expect(listAssets(c, { search: '%' }).items).toEqual([]);
    expect(listAssets(c, { search: '_' }).items).toEqual([]);
    expect(names(listAssets(c, { warranty: 'expiring' }).items)).toEqual(['Acme Dental: Front desk printer']);
    expect(names(listAssets(c, { warranty: 'expired' }).items)).toEqual(['Acme Dental: Office firewall']);
    expect(names(listAssets(c, { type: 'Server' }).items)).toEqual(['Acme Dental: File server']);
    expect(listAssets(c, { assignedContactId: asset('Reception PC').assignedContactId! }).items).toHaveLength(1);
  });

  it('the dashboard lists what expires within 45 days, with badges', () => {
    const s = technicalSummary(as('primary'));
    expect(s.expiring!.domains.items.map((d) => [d.name, d.badge?.label])).toEqual([['acme-dental.com', 'Expires in 20 days']]);
    expect(s.expiring!.certificates.items.map((d) => [d.name, d.badge?.label])).toEqual([['Website', 'Expired']]);
    expect(s.expiring!.warranties.items.map((d) => [d.name, d.badge?.label])).toEqual([['Front desk printer', 'Expires in 30 days']]);
    expect(listDomains(as('primary'), { expiring: true }).items.map((d) => d.name)).toEqual(['acme-dental.com']);
  });
});

describe('writes refused with clear messages', () => {
  it('names the field at fault', async () => {
    const admin = as('admin');
    const northwindContact = technicalContacts(as('northwind'), {})[0]!;
    expect(() => createAsset(admin, { companyId: acme().id, name: 'PC', type: 'Laptop', assignedContactId: northwindContact.id })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: 'Choose a contact of this company.', details: { field: 'assignedContactId' } }),
    );
    expect(() => createDomain(admin, { companyId: acme().id, name: 'acme-dental.com' })).toThrow(expect.objectContaining({ code: 'CONFLICT', details: { field: 'name' } }));
    expect(() => createAsset(admin, { companyId: 999_999, name: 'PC', type: 'Laptop' })).toThrow('No such company.');
    expect(() => listDocuments(as('technical'), { companyId: 999_999 })).toThrow('No such company.');
    expect(() => updateAsset(admin, { assetId: asset('File server').id, name: '', type: 'Server' })).toThrow('Enter the asset name.');
  });

  it('keeps hidden documents from contacts in list, detail and download', () => {
    const hidden = doc('Technician handover notes').id;
    for (const who of ['technical', 'primary', 'northwind', 'standard', 'billing', 'other'] as const) {
      const c = as(who);
      expect(openDocument(c, hidden)).toBeNull();
      if (who === 'technical' || who === 'primary') expect(listDocuments(c, {}).items.some((d) => d.id === hidden)).toBe(false);
    }
    expect(openDocument(as('technician'), hidden)?.document.id).toBe(hidden);
    expect(openDocument(as('technical'), doc('Network overview').id)?.path).toMatch(/documents\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });
});
