import { and, asc, eq, gte, isNull, lt, lte, type SQL } from 'drizzle-orm';
import { assets, type TAsset } from '../../db/schema/technical';
import { companies, contacts } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireContact, requireStaff, technicalScope, type TTechnicalScope } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { companyCondition, inScope, writableCompany } from './company-access';
import { addDays, EXPIRY_WINDOW_DAYS, expiryBadge, todayOf } from './expiry';
import { containsText } from '../core/contains-text';
import { ZArchiveAssetInput, ZAssetIdInput, ZCreateAssetInput, ZListAssetsInput, ZUpdateAssetInput, type TAssetFields } from './schemas';
import { emitTechnical } from './topics';

/* Assets (seed 004 §18): Technical/Primary contacts see their company's, everyone else only those assigned to them; staff manage them. */

export const MAX_LIST = 200;

const columns = { asset: assets, assignedContactName: contacts.name, companyName: companies.name };
type TRow = { asset: TAsset; assignedContactName: string | null; companyName: string };

function view(r: TRow, today: string) {
  const { asset: a } = r;
  return {
    id: a.id,
    companyId: a.companyId,
    companyName: r.companyName,
    name: a.name,
    type: a.type,
    make: a.make,
    model: a.model,
    serialNumber: a.serialNumber,
    installDate: a.installDate,
    warrantyExpiry: a.warrantyExpiry,
    warrantyBadge: expiryBadge(a.warrantyExpiry, today),
    assignedContactId: a.assignedContactId,
    assignedContactName: r.assignedContactName,
    notes: a.notes,
    archived: a.archivedAt !== null,
    updatedAt: a.updatedAt,
  };
}
export type TAssetView = Awaited<ReturnType<typeof view>>;

const selectAssets = (ctx: ServiceContext) =>
  ctx.db.select(columns).from(assets).innerJoin(companies, eq(companies.id, assets.companyId)).leftJoin(contacts, eq(contacts.id, assets.assignedContactId));

/** Only a contact's own assignments, never archived ones. */
const assignedOnly = (who: { companyId: number; contactId: number }) =>
  and(eq(assets.companyId, who.companyId), eq(assets.assignedContactId, who.contactId), isNull(assets.archivedAt));

/** The asset list with search (name, serial, model) and filters; Standard contacts get their assigned assets. */
export async function listAssets(ctx: ServiceContext, input: unknown) {
  const scope = technicalScope(ctx.actor);
  const q = ZListAssetsInput.parse(input ?? {});
  const today = todayOf(ctx.clock);
  const soon = addDays(today, EXPIRY_WINDOW_DAYS);
  const where: (SQL | undefined)[] = [
    scope.kind === 'assigned' ? assignedOnly(scope) : await companyCondition(ctx.db, scope, assets.companyId, q.companyId),
    q.includeArchived && scope.kind === 'provider' ? undefined : isNull(assets.archivedAt),
    containsText(q.search, assets.name, assets.serialNumber, assets.model),
    q.type ? eq(assets.type, q.type) : undefined,
    q.assignedContactId ? eq(assets.assignedContactId, q.assignedContactId) : undefined,
    q.warranty === 'expiring' ? and(gte(assets.warrantyExpiry, today), lte(assets.warrantyExpiry, soon)) : undefined,
    q.warranty === 'expired' ? lt(assets.warrantyExpiry, today) : undefined,
  ];
  const rows = (await selectAssets(ctx)
    .where(and(...where))
    .orderBy(asc(assets.name), asc(assets.id))
    .limit(MAX_LIST + 1));
  return { items: rows.slice(0, MAX_LIST).map((r) => view(r, today)), truncated: rows.length > MAX_LIST };
}

/** "My assets": the devices assigned to the calling contact, whatever their type. */
export async function myAssets(ctx: ServiceContext) {
  const contact = requireContact(ctx.actor);
  const today = todayOf(ctx.clock);
  const rows = (await selectAssets(ctx).where(assignedOnly(contact)).orderBy(asc(assets.name), asc(assets.id)));
  return { items: rows.map((r) => view(r, today)) };
}

async function loadAsset(ctx: ServiceContext, scope: TTechnicalScope, assetId: number): Promise<TRow> {
  const row = (await selectAssets(ctx).where(eq(assets.id, assetId)))[0];
  // Archived assets are for staff only; a Standard contact sees only their own.
  const mayShow = row && (scope.kind === 'provider' || row.asset.archivedAt === null) && (scope.kind !== 'assigned' || row.asset.assignedContactId === scope.contactId);
  await inScope(ctx.db, scope, mayShow ? row.asset : undefined, 'asset');
  return row!;
}

export async function getAsset(ctx: ServiceContext, input: unknown): Promise<TAssetView> {
  const scope = technicalScope(ctx.actor);
  const { assetId } = ZAssetIdInput.parse(input);
  return view(await loadAsset(ctx, scope, assetId), todayOf(ctx.clock));
}

/** The assigned contact must be one of the asset's company. */
async function checkContact(tx: TTx, companyId: number, contactId: number | null): Promise<void> {
  if (contactId === null) return;
  const c = (await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.id, contactId), eq(contacts.companyId, companyId))))[0];
  if (!c) throw new AppError('BAD_INPUT', 'Choose a contact of this company.', { field: 'assignedContactId' });
}

const fieldsOf = (f: TAssetFields) => ({
  name: f.name,
  type: f.type,
  make: f.make,
  model: f.model,
  serialNumber: f.serialNumber,
  installDate: f.installDate,
  warrantyExpiry: f.warrantyExpiry,
  assignedContactId: f.assignedContactId,
  notes: f.notes,
});

export async function createAsset(ctx: ServiceContext, input: unknown): Promise<TAssetView> {
  const staff = requireStaff(ctx.actor);
  const data = ZCreateAssetInput.parse(input);
  const scope = technicalScope(staff);
  const id = await unitOfWork(ctx, async (tx, emit) => {
    const companyId = await writableCompany(tx, scope, data.companyId);
    await checkContact(tx, companyId, data.assignedContactId);
    const now = ctx.clock.now();
    const row = (await tx.insert(assets).values({ companyId, ...fieldsOf(data), createdAt: now, updatedAt: now }).returning())[0]!;
    emitTechnical(emit, staff.providerId, { record: 'asset', id: row.id, companyId, action: 'created', contactIds: [null, row.assignedContactId] });
    return row.id;
  });
  return await getAsset(ctx, { assetId: id });
}

export async function updateAsset(ctx: ServiceContext, input: unknown): Promise<TAssetView> {
  const staff = requireStaff(ctx.actor);
  const data = ZUpdateAssetInput.parse(input);
  const scope = technicalScope(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(assets).where(eq(assets.id, data.assetId)))[0], 'asset');
    await checkContact(tx, before.companyId, data.assignedContactId);
    (await tx.update(assets).set({ ...fieldsOf(data), updatedAt: ctx.clock.now() }).where(eq(assets.id, before.id)));
    const contactIds = [before.assignedContactId, data.assignedContactId];
    emitTechnical(emit, staff.providerId, { record: 'asset', id: before.id, companyId: before.companyId, action: 'updated', contactIds });
  });
  return await getAsset(ctx, { assetId: data.assetId });
}

/** Archiving keeps the record (and its history) but takes it off every client's list. */
export async function setAssetArchived(ctx: ServiceContext, input: unknown): Promise<TAssetView> {
  const staff = requireStaff(ctx.actor);
  const { assetId, archived } = ZArchiveAssetInput.parse(input);
  const scope = technicalScope(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(assets).where(eq(assets.id, assetId)))[0], 'asset');
    const now = ctx.clock.now();
    (await tx.update(assets).set({ archivedAt: archived ? (before.archivedAt ?? now) : null, updatedAt: now }).where(eq(assets.id, assetId)));
    const action = archived ? 'archived' : 'restored';
    emitTechnical(emit, staff.providerId, { record: 'asset', id: assetId, companyId: before.companyId, action, contactIds: [before.assignedContactId] });
  });
  return await getAsset(ctx, { assetId });
}
