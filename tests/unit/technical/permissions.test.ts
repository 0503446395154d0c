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
let cleanup: () => Promise<void> | void;
let dataDir: string;
let other: ServiceContext;
beforeAll(async () => {
  const f = await freshContext();
  dataDir = mkdtempSync(join(tmpdir(), 'portico-tech-'));
  base = { ...f.ctx, settings: { ...f.ctx.settings, DATA_DIR: dataDir } };
  cleanup = f.cleanup;
  await seedDemo(base);
  await seedTechnical(base);
  // Staff of a second provider.
  const sys = withActor(base, system);
  const p = await createProvider(sys, { name: 'Other IT', identifier: 'other-it' });
  const s = await createStaffMember(sys, p.id, { name: 'Olga Other', email: 'olga@other-it.test', role: 'admin' });
  const u = (await base.db.select().from(users).where(eq(users.email, 'olga@other-it.test')))[0]!;
  other = withActor(base, (await actorForAccount(base.db, u, { kind: 'staff', id: s.id }))!);
});
afterAll(async () => {
  await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const ACTORS = ['standard', 'billing', 'technical', 'primary', 'northwind', 'technician', 'admin', 'other'] as const;
type TWho = (typeof ACTORS)[number];
const as = async (who: TWho): Promise<ServiceContext> =>
  who === 'other'
    ? other
    : await asDemoUser(base, { standard: 'standard@acme-dental.test', billing: 'billing@acme-dental.test', technical: 'technical@acme-dental.test', primary: 'primary@acme-dental.test', northwind: 'technical@northwind.test', technician: 'tech@demo-msp.test', admin: 'admin@demo-msp.test' }[who]);

const acme = async () => (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
const acmeRow = async <T extends { companyId: number; name?: string; title?: string }>(rows: T[], label: string) => {
  const id = (await acme()).id;
  return rows.find((r) => r.companyId === id && (r.name ?? r.title) === label)!;
};
const asset = async (name: string) => await acmeRow((await base.db.select().from(assets)), name);
const doc = async (title: string) => await acmeRow((await base.db.select().from(documents)), title);
const domain = async () => await acmeRow((await base.db.select().from(domains)), 'acme-dental.com');
const cert = async () => await acmeRow((await base.db.select().from(certificates)), 'Website');
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
  ['technicalSummary', async (c) => await technicalSummary(c), [Y, Y, Y, Y, Y, Y, Y, Y]],
  ['myAssets', async (c) => await myAssets(c), [Y, Y, Y, Y, Y, F, F, F]],
  ['listAssets', async (c) => await listAssets(c, {}), [Y, Y, Y, Y, Y, Y, Y, Y]],
  ['listAssets of Acme', async (c) => await listAssets(c, { companyId: (await acme()).id }), [Y, Y, Y, Y, N, Y, Y, N]],
  ['getAsset (assigned to standard@)', async (c) => await getAsset(c, { assetId: (await asset('Reception PC')).id }), [Y, N, Y, Y, N, Y, Y, N]],
  ['getAsset (unassigned)', async (c) => await getAsset(c, { assetId: (await asset('File server')).id }), [N, N, Y, Y, N, Y, Y, N]],
  ['createAsset', async (c) => await createAsset(c, { companyId: (await acme()).id, name: 'Spare laptop', type: 'Laptop' }), [F, F, F, F, F, Y, Y, N]],
  ['updateAsset', async (c) => await updateAsset(c, { assetId: (await asset('File server')).id, name: 'File server', type: 'Server' }), [F, F, F, F, F, Y, Y, N]],
  ['archiveAsset', async (c) => await setAssetArchived(c, { assetId: (await asset('Office firewall')).id, archived: false }), [F, F, F, F, F, Y, Y, N]],
  ['technicalContacts of Acme', async (c) => await technicalContacts(c, { companyId: (await acme()).id }), [F, F, Y, Y, N, Y, Y, N]],
  ['technicalCompanies', async (c) => await technicalCompanies(c), [F, F, F, F, F, Y, Y, Y]],
  ['listDocuments', async (c) => await listDocuments(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getDocument (visible)', async (c) => await getDocument(c, { documentId: (await doc('Network overview')).id }), [F, F, Y, Y, N, Y, Y, N]],
  ['getDocument (hidden)', async (c) => await getDocument(c, { documentId: (await doc('Technician handover notes')).id }), [F, F, N, N, N, Y, Y, N]],
  ['storeDocument for Acme', async (c) => storeDocument(c, { companyId: (await acme()).id, title: 'Matrix' }, bytes('hello'), 'matrix.txt'), [F, F, Y, Y, N, Y, Y, N]],
  ['updateDocument', async (c) => await updateDocument(c, { documentId: (await doc('Network overview')).id, title: 'Network overview', visibleToClient: true }), [F, F, F, F, F, Y, Y, N]],
  ['listDomains', async (c) => await listDomains(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getDomain', async (c) => await getDomain(c, { domainId: (await domain()).id }), [F, F, Y, Y, N, Y, Y, N]],
  ['createDomain', async (c) => await createDomain(c, { companyId: (await acme()).id, name: `x${Math.random().toString(36).slice(2, 8)}.com` }), [F, F, F, F, F, Y, Y, N]],
  ['updateDomain', async (c) => await updateDomain(c, { domainId: (await domain()).id, name: 'acme-dental.com', expiresOn: (await domain()).expiresOn }), [F, F, F, F, F, Y, Y, N]],
  ['listCertificates', async (c) => await listCertificates(c, {}), [F, F, Y, Y, Y, Y, Y, Y]],
  ['getCertificate', async (c) => await getCertificate(c, { certificateId: (await cert()).id }), [F, F, Y, Y, N, Y, Y, N]],
  ['createCertificate', async (c) => await createCertificate(c, { companyId: (await acme()).id, name: 'VPN', fqdn: 'vpn.acme-dental.com' }), [F, F, F, F, F, Y, Y, N]],
  ['updateCertificate', async (c) => await updateCertificate(c, { certificateId: (await cert()).id, name: 'Website', fqdn: (await cert()).fqdn, expiresOn: (await cert()).expiresOn }), [F, F, F, F, F, Y, Y, N]],
];

describe('technical permission matrix', () => {
  for (const [name, fn, expected] of MATRIX) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const who of ACTORS) got[who] = await outcome(async () => fn(await as(who)));
      expect(got).toEqual(Object.fromEntries(ACTORS.map((w, i) => [w, expected[i]])));
    });
  }

  // Deleting needs a fresh record per attempt.
  for (const [name, make, remove] of [
    ['deleteDomain', async (c: ServiceContext) => (await createDomain(c, { companyId: (await acme()).id, name: `del${Math.random().toString(36).slice(2, 8)}.com` })).id, async (c: ServiceContext, id: number) => await deleteDomain(c, { domainId: id })],
    ['deleteCertificate', async (c: ServiceContext) => (await createCertificate(c, { companyId: (await acme()).id, name: 'Temp', fqdn: 'temp.acme-dental.com' })).id, async (c: ServiceContext, id: number) => await deleteCertificate(c, { certificateId: id })],
    [
      'deleteDocument',
      async (c: ServiceContext) => (await storeDocument(c, { companyId: (await acme()).id, title: 'Temp' }, bytes(`temp ${Math.random()}`), 'temp.txt')).id,
      async (c: ServiceContext, id: number) => await deleteDocument(c, { documentId: id }),
    ],
  ] as const) {
    it(name, async () => {
      const got: Record<string, string> = {};
      for (const who of ACTORS) {
        const id = await make(await as('admin'));
        got[who] = await outcome(async () => remove(await as(who), id));
      }
      expect(got).toEqual({ standard: F, billing: F, technical: F, primary: F, northwind: F, technician: Y, admin: Y, other: N });
    });
  }
});

describe('what each caller sees', () => {
  const names = (items: { name: string; companyName: string }[]) => items.map((i) => `${i.companyName}: ${i.name}`).sort();

  it('a Standard contact sees only their assigned asset; Billing-only none', async () => {
    expect(names((await listAssets(await as('standard'), {})).items)).toEqual(['Acme Dental: Reception PC']);
    expect(names((await myAssets(await as('standard'))).items)).toEqual(['Acme Dental: Reception PC']);
    expect((await listAssets(await as('billing'), {})).items).toEqual([]);
    // Filters cannot widen the scope.
    expect(names((await listAssets(await as('standard'), { search: 'server' })).items)).toEqual([]);
    const s = await technicalSummary(await as('standard'));
    expect(s.assignedAssets.count).toBe(1);
    expect(s.expiring).toBeNull();
  });

  it('Technical and Primary contacts see their company only; staff every company of their provider; other providers nothing', async () => {
    expect(new Set((await listAssets(await as('technical'), {})).items.map((a) => a.companyName))).toEqual(new Set(['Acme Dental']));
    expect(new Set((await listDomains(await as('northwind'), {})).items.map((a) => a.companyName))).toEqual(new Set(['Northwind Logistics']));
    expect(new Set((await listCertificates(await as('technician'), {})).items.map((a) => a.companyName))).toEqual(new Set(['Acme Dental', 'Northwind Logistics']));
    expect((await listAssets(other, {})).items).toEqual([]);
    expect(await technicalCompanies(other)).toEqual([]);
    expect((await technicalSummary(other)).expiring).toMatchObject({ domains: { count: 0 }, certificates: { count: 0 }, warranties: { count: 0 } });
  });

  it('an archived asset leaves every client list but stays for staff', async () => {
    const id = (await asset('Reception PC')).id;
    await setAssetArchived(await as('admin'), { assetId: id, archived: true });
    expect((await myAssets(await as('standard'))).items).toEqual([]);
    expect((await listAssets(await as('technical'), {})).items.some((a) => a.id === id)).toBe(false);
    await expect(getAsset(await as('standard'), { assetId: id })).rejects.toThrow('No such asset.');
    expect((await listAssets(await as('admin'), { companyId: (await acme()).id, includeArchived: true })).items.find((a) => a.id === id)?.archived).toBe(true);
    await setAssetArchived(await as('admin'), { assetId: id, archived: false });
    expect((await myAssets(await as('standard'))).items.map((a) => a.id)).toEqual([id]);
  });

  it('searches name, serial and model with % and _ taken literally, and filters', async () => {
    const c = await as('technical');
    expect(names((await listAssets(c, { search: 'ACM-PR-204' })).items)).toEqual(['Acme Dental: Front desk printer']);
    expect(names((await listAssets(c, { search: 'optiplex' })).items)).toEqual(['Acme Dental: Reception PC']);
    expect((await listAssets(c, { search: '%' })).items).toEqual([]);
    expect((await listAssets(c, { search: '_' })).items).toEqual([]);
    expect(names((await listAssets(c, { warranty: 'expiring' })).items)).toEqual(['Acme Dental: Front desk printer']);
    expect(names((await listAssets(c, { warranty: 'expired' })).items)).toEqual(['Acme Dental: Office firewall']);
    expect(names((await listAssets(c, { type: 'Server' })).items)).toEqual(['Acme Dental: File server']);
    expect((await listAssets(c, { assignedContactId: (await asset('Reception PC')).assignedContactId! })).items).toHaveLength(1);
  });

  it('the dashboard lists what expires within 45 days, with badges', async () => {
    const s = await technicalSummary(await as('primary'));
    expect(s.expiring!.domains.items.map((d) => [d.name, d.badge?.label])).toEqual([['acme-dental.com', 'Expires in 20 days']]);
    expect(s.expiring!.certificates.items.map((d) => [d.name, d.badge?.label])).toEqual([['Website', 'Expired']]);
    expect(s.expiring!.warranties.items.map((d) => [d.name, d.badge?.label])).toEqual([['Front desk printer', 'Expires in 30 days']]);
    expect((await listDomains(await as('primary'), { expiring: true })).items.map((d) => d.name)).toEqual(['acme-dental.com']);
  });
});

describe('writes refused with clear messages', () => {
  it('names the field at fault', async () => {
    const admin = await as('admin');
    const northwindContact = (await technicalContacts(await as('northwind'), {}))[0]!;
    await expect(createAsset(admin, { companyId: (await acme()).id, name: 'PC', type: 'Laptop', assignedContactId: northwindContact.id })).rejects.toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: 'Choose a contact of this company.', details: { field: 'assignedContactId' } }),
    );
    await expect(createDomain(admin, { companyId: (await acme()).id, name: 'acme-dental.com' })).rejects.toThrow(expect.objectContaining({ code: 'CONFLICT', details: { field: 'name' } }));
    await expect(createAsset(admin, { companyId: 999_999, name: 'PC', type: 'Laptop' })).rejects.toThrow('No such company.');
    await expect(listDocuments(await as('technical'), { companyId: 999_999 })).rejects.toThrow('No such company.');
    await expect(updateAsset(admin, { assetId: (await asset('File server')).id, name: '', type: 'Server' })).rejects.toThrow('Enter the asset name.');
  });

  it('keeps hidden documents from contacts in list, detail and download', async () => {
    const hidden = (await doc('Technician handover notes')).id;
    for (const who of ['technical', 'primary', 'northwind', 'standard', 'billing', 'other'] as const) {
      const c = await as(who);
      expect(await openDocument(c, hidden)).toBeNull();
      if (who === 'technical' || who === 'primary') expect((await listDocuments(c, {})).items.some((d) => d.id === hidden)).toBe(false);
    }
    expect((await openDocument(await as('technician'), hidden))?.document.id).toBe(hidden);
    expect((await openDocument(await as('technical'), (await doc('Network overview')).id))?.path).toMatch(/documents\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });
});
