import { and, asc, eq, lte, type SQL } from 'drizzle-orm';
import { companies } from '../../db/schema/people';
import { certificates, type TCertificate } from '../../db/schema/technical';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireTechnicalRecords } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { MAX_LIST } from './assets';
import { companyCondition, inScope, writableCompany } from './company-access';
import { addDays, EXPIRY_WINDOW_DAYS, expiryBadge, todayOf } from './expiry';
import { containsText } from '../core/contains-text';
import { ZCertificateIdInput, ZCreateCertificateInput, ZListRecordsInput, ZUpdateCertificateInput } from './schemas';
import { emitTechnical } from './topics';

/* Certificates (seed 004 §21): Technical and Primary contacts read their company's; staff manage them. */

const view = (d: TCertificate, companyName: string, today: string) => ({
  id: d.id,
  companyId: d.companyId,
  companyName,
  name: d.name,
  fqdn: d.fqdn,
  issuer: d.issuer,
  expiresOn: d.expiresOn,
  expiryBadge: expiryBadge(d.expiresOn, today),
  notes: d.notes,
  updatedAt: d.updatedAt,
});
export type TCertificateView = Awaited<ReturnType<typeof view>>;

const selectCertificates = (ctx: ServiceContext) =>
  ctx.db.select({ certificate: certificates, companyName: companies.name }).from(certificates).innerJoin(companies, eq(companies.id, certificates.companyId));

/** "Expiring" includes what has already expired, as for domains. */
export async function listCertificates(ctx: ServiceContext, input: unknown) {
  const scope = requireTechnicalRecords(ctx.actor);
  const q = ZListRecordsInput.parse(input ?? {});
  const today = todayOf(ctx.clock);
  const where: (SQL | undefined)[] = [
    await companyCondition(ctx.db, scope, certificates.companyId, q.companyId),
    containsText(q.search, certificates.name, certificates.fqdn, certificates.issuer),
    q.expiring ? lte(certificates.expiresOn, addDays(today, EXPIRY_WINDOW_DAYS)) : undefined,
  ];
  const rows = (await selectCertificates(ctx).where(and(...where)).orderBy(asc(certificates.name), asc(certificates.id)).limit(MAX_LIST + 1));
  return { items: rows.slice(0, MAX_LIST).map((r) => view(r.certificate, r.companyName, today)), truncated: rows.length > MAX_LIST };
}

export async function getCertificate(ctx: ServiceContext, input: unknown): Promise<TCertificateView> {
  const scope = requireTechnicalRecords(ctx.actor);
  const { certificateId } = ZCertificateIdInput.parse(input);
  const row = (await selectCertificates(ctx).where(eq(certificates.id, certificateId)))[0];
  await inScope(ctx.db, scope, row?.certificate, 'certificate');
  return view(row!.certificate, row!.companyName, todayOf(ctx.clock));
}

export async function createCertificate(ctx: ServiceContext, input: unknown): Promise<TCertificateView> {
  const staff = requireStaff(ctx.actor);
  const { companyId: requested, ...data } = ZCreateCertificateInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  const id = await unitOfWork(ctx, async (tx, emit) => {
    const companyId = await writableCompany(tx, scope, requested);
    const now = ctx.clock.now();
    const row = (await tx.insert(certificates).values({ companyId, ...data, createdAt: now, updatedAt: now }).returning())[0]!;
    emitTechnical(emit, staff.providerId, { record: 'certificate', id: row.id, companyId, action: 'created' });
    return row.id;
  });
  return await getCertificate(ctx, { certificateId: id });
}

export async function updateCertificate(ctx: ServiceContext, input: unknown): Promise<TCertificateView> {
  const staff = requireStaff(ctx.actor);
  const { certificateId, ...data } = ZUpdateCertificateInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(certificates).where(eq(certificates.id, certificateId)))[0], 'certificate');
    (await tx.update(certificates).set({ ...data, updatedAt: ctx.clock.now() }).where(eq(certificates.id, certificateId)));
    emitTechnical(emit, staff.providerId, { record: 'certificate', id: certificateId, companyId: before.companyId, action: 'updated' });
  });
  return await getCertificate(ctx, { certificateId });
}

export async function deleteCertificate(ctx: ServiceContext, input: unknown): Promise<{ deleted: true }> {
  const staff = requireStaff(ctx.actor);
  const { certificateId } = ZCertificateIdInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(certificates).where(eq(certificates.id, certificateId)))[0], 'certificate');
    (await tx.delete(certificates).where(eq(certificates.id, certificateId)));
    emitTechnical(emit, staff.providerId, { record: 'certificate', id: certificateId, companyId: before.companyId, action: 'deleted' });
  });
  return { deleted: true };
}
