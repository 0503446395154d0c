import { and, asc, eq, lte, ne, type SQL } from 'drizzle-orm';
import { companies } from '../../db/schema/people';
import { domains, type TDomain } from '../../db/schema/technical';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireTechnicalRecords } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { MAX_LIST } from './assets';
import { companyCondition, inScope, writableCompany } from './company-access';
import { addDays, EXPIRY_WINDOW_DAYS, expiryBadge, todayOf } from './expiry';
import { containsText } from '../core/contains-text';
import { ZCreateDomainInput, ZDomainIdInput, ZListRecordsInput, ZUpdateDomainInput } from './schemas';
import { emitTechnical } from './topics';

/* Domains (seed 004 §20): Technical and Primary contacts read their company's; staff manage them. */

const view = (d: TDomain, companyName: string, today: string) => ({
  id: d.id,
  companyId: d.companyId,
  companyName,
  name: d.name,
  registrar: d.registrar,
  expiresOn: d.expiresOn,
  expiryBadge: expiryBadge(d.expiresOn, today),
  nameServers: d.nameServers,
  notes: d.notes,
  updatedAt: d.updatedAt,
});
export type TDomainView = Awaited<ReturnType<typeof view>>;

const selectDomains = (ctx: ServiceContext) =>
  ctx.db.select({ domain: domains, companyName: companies.name }).from(domains).innerJoin(companies, eq(companies.id, domains.companyId));

/** "Expiring" includes what has already expired: that needs renewing most of all. */
export async function listDomains(ctx: ServiceContext, input: unknown) {
  const scope = requireTechnicalRecords(ctx.actor);
  const q = ZListRecordsInput.parse(input ?? {});
  const today = todayOf(ctx.clock);
  const where: (SQL | undefined)[] = [
    await companyCondition(ctx.db, scope, domains.companyId, q.companyId),
    containsText(q.search, domains.name, domains.registrar),
    q.expiring ? lte(domains.expiresOn, addDays(today, EXPIRY_WINDOW_DAYS)) : undefined,
  ];
  const rows = (await selectDomains(ctx).where(and(...where)).orderBy(asc(domains.name), asc(domains.id)).limit(MAX_LIST + 1));
  return { items: rows.slice(0, MAX_LIST).map((r) => view(r.domain, r.companyName, today)), truncated: rows.length > MAX_LIST };
}

export async function getDomain(ctx: ServiceContext, input: unknown): Promise<TDomainView> {
  const scope = requireTechnicalRecords(ctx.actor);
  const { domainId } = ZDomainIdInput.parse(input);
  const row = (await selectDomains(ctx).where(eq(domains.id, domainId)))[0];
  await inScope(ctx.db, scope, row?.domain, 'domain');
  return view(row!.domain, row!.companyName, todayOf(ctx.clock));
}

async function refuseDuplicate(tx: TTx, companyId: number, name: string, exceptId = 0): Promise<void> {
  const dup = (await tx
    .select({ id: domains.id })
    .from(domains)
    .where(and(eq(domains.companyId, companyId), eq(domains.name, name), ne(domains.id, exceptId))))[0];
  if (dup) throw new AppError('CONFLICT', `${name} is already listed for this company.`, { field: 'name' });
}

export async function createDomain(ctx: ServiceContext, input: unknown): Promise<TDomainView> {
  const staff = requireStaff(ctx.actor);
  const { companyId: requested, ...data } = ZCreateDomainInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  const id = await unitOfWork(ctx, async (tx, emit) => {
    const companyId = await writableCompany(tx, scope, requested);
    await refuseDuplicate(tx, companyId, data.name);
    const now = ctx.clock.now();
    const row = (await tx.insert(domains).values({ companyId, ...data, createdAt: now, updatedAt: now }).returning())[0]!;
    emitTechnical(emit, staff.providerId, { record: 'domain', id: row.id, companyId, action: 'created' });
    return row.id;
  });
  return await getDomain(ctx, { domainId: id });
}

export async function updateDomain(ctx: ServiceContext, input: unknown): Promise<TDomainView> {
  const staff = requireStaff(ctx.actor);
  const { domainId, ...data } = ZUpdateDomainInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(domains).where(eq(domains.id, domainId)))[0], 'domain');
    await refuseDuplicate(tx, before.companyId, data.name, before.id);
    (await tx.update(domains).set({ ...data, updatedAt: ctx.clock.now() }).where(eq(domains.id, domainId)));
    emitTechnical(emit, staff.providerId, { record: 'domain', id: domainId, companyId: before.companyId, action: 'updated' });
  });
  return await getDomain(ctx, { domainId });
}

export async function deleteDomain(ctx: ServiceContext, input: unknown): Promise<{ deleted: true }> {
  const staff = requireStaff(ctx.actor);
  const { domainId } = ZDomainIdInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(domains).where(eq(domains.id, domainId)))[0], 'domain');
    (await tx.delete(domains).where(eq(domains.id, domainId)));
    emitTechnical(emit, staff.providerId, { record: 'domain', id: domainId, companyId: before.companyId, action: 'deleted' });
  });
  return { deleted: true };
}
