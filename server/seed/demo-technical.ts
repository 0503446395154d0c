import { eq } from 'drizzle-orm';
import { actorForAccount } from '../auth/accounts';
import { withActor, type ServiceContext } from '../core/context';
import { createAsset } from '../technical/assets';
import { createCertificate } from '../technical/certificates';
import { storeDocument } from '../technical/documents';
import { createDomain } from '../technical/domains';
import { addDays, todayOf } from '../technical/expiry';
import { assets } from '../../db/schema/technical';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';

const ADMIN_EMAIL = 'admin@demo-msp.test';

async function* bytes(text: string) {
  yield Buffer.from(text, 'utf8');
}

/**
 * Technical records for the demo companies, through the services as the demo admin, with
 * dates relative to the service clock: per company 4 assets (one assigned to the Standard
 * contact, one warranty ending in 30 days), 2 documents (one hidden from the client),
 * 2 domains (one expiring in 20 days) and 2 certificates (one expired). Skips a company
 * that already has assets, so running it twice adds nothing.
 */
export async function seedTechnical(base: ServiceContext): Promise<void> {
  const adminUser = (await base.db.select().from(users).where(eq(users.email, ADMIN_EMAIL)))[0];
  const staff = adminUser && (await base.db.select().from(staffMembers).where(eq(staffMembers.userId, adminUser.id)))[0];
  const actor = adminUser && staff && await actorForAccount(base.db, adminUser, { kind: 'staff', id: staff.id });
  if (!actor || actor.kind !== 'staff') throw new Error(`seedTechnical: no demo admin ${ADMIN_EMAIL}`);
  const ctx = withActor(base, actor);
  const today = todayOf(base.clock);
  const day = (n: number) => addDays(today, n);

  for (const company of (await base.db.select().from(companies).where(eq(companies.providerId, actor.providerId)))) {
    if ((await base.db.select({ id: assets.id }).from(assets).where(eq(assets.companyId, company.id)))[0]) continue;
    const standard = (await base.db
      .select()
      .from(contacts)
      .where(eq(contacts.companyId, company.id)))
      .find((c) => c.types.length === 1 && c.types[0] === 'standard');
    const slug = company.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const tag = slug.slice(0, 3).toUpperCase();
    const companyId = company.id;

    await createAsset(ctx, { companyId, name: 'Reception PC', type: 'Workstation', make: 'Dell', model: 'OptiPlex 7010', serialNumber: `${tag}-WS-1001`, installDate: day(-700), warrantyExpiry: day(400), assignedContactId: standard?.id ?? null });
    await createAsset(ctx, { companyId, name: 'Front desk printer', type: 'Printer', make: 'HP', model: 'LaserJet Pro M404dn', serialNumber: `${tag}-PR-204`, installDate: day(-1000), warrantyExpiry: day(30), notes: 'Asset tag PR-204.' });
    await createAsset(ctx, { companyId, name: 'File server', type: 'Server', make: 'Dell', model: 'PowerEdge T150', serialNumber: `${tag}-SV-0001`, installDate: day(-400), warrantyExpiry: day(700) });
    await createAsset(ctx, { companyId, name: 'Office firewall', type: 'Network device', make: 'Fortinet', model: 'FortiGate 40F', serialNumber: `${tag}-FW-0042`, installDate: day(-1500), warrantyExpiry: day(-100) });

    await storeDocument(
      ctx,
      { companyId, title: 'Network overview', description: 'Internet line, firewall, switches and Wi-Fi.', visibleToClient: true },
      bytes(`# ${company.name} network overview\n\n- Internet: fibre, static IP\n- Firewall: FortiGate 40F in the comms cupboard\n- Wi-Fi: staff and guest networks, guest isolated\n`),
      'network-overview.md',
    );
    await storeDocument(
      ctx,
      { companyId, title: 'Technician handover notes', description: 'Internal notes for the support team.', visibleToClient: false },
      bytes(`Handover notes for ${company.name}.\nBackups run nightly at 01:00; check the job log on Mondays.\n`),
      'handover-notes.txt',
    );

    await createDomain(ctx, { companyId, name: `${slug}.com`, registrar: 'Namecheap', expiresOn: day(20), nameServers: ['dns1.registrar-servers.com', 'dns2.registrar-servers.com'] });
    await createDomain(ctx, { companyId, name: `${slug}.net`, registrar: 'Gandi', expiresOn: day(300), nameServers: ['ns1.gandi.net', 'ns2.gandi.net'] });
    await createCertificate(ctx, { companyId, name: 'Website', fqdn: `www.${slug}.com`, issuer: "Let's Encrypt", expiresOn: day(-5) });
    await createCertificate(ctx, { companyId, name: 'Mail server', fqdn: `mail.${slug}.com`, issuer: 'DigiCert', expiresOn: day(200) });
  }
}
