import { and, asc, eq, sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ticketCategories, tickets } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn, requireStaffAdmin } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { ZAddCategoryInput, ZCategoriesInput, ZRenameCategoryInput, ZSetCategoryActiveInput } from './schemas';

/** The provider's categories: active ones for forms; staff admins may ask for all. */
export async function listCategories(ctx: ServiceContext, input?: unknown) {
  const actor = requireSignedIn(ctx.actor);
  const { includeInactive } = ZCategoriesInput.parse(input) ?? { includeInactive: false };
  if (includeInactive) requireStaffAdmin(actor);
  return (await ctx.db
    .select({ id: ticketCategories.id, name: ticketCategories.name, active: ticketCategories.active })
    .from(ticketCategories)
    .where(and(eq(ticketCategories.providerId, actor.providerId), includeInactive ? undefined : eq(ticketCategories.active, true)))
    .orderBy(asc(ticketCategories.name)));
}

/** The stored name of an active category (case-insensitive match), or a clear refusal. */
export async function requireActiveCategory(db: TDb | TTx, providerId: number, name: string): Promise<string> {
  const row = (await db
    .select({ name: ticketCategories.name })
    .from(ticketCategories)
    .where(and(eq(ticketCategories.providerId, providerId), eq(ticketCategories.active, true), sql`lower(${ticketCategories.name}) = lower(${name})`)))[0];
  if (!row) throw new AppError('BAD_INPUT', 'Choose a category from the list.', { field: 'category' });
  return row.name;
}

async function refuseDuplicate(tx: TTx, providerId: number, name: string, exceptId?: number) {
  const dup = (await tx
    .select({ id: ticketCategories.id })
    .from(ticketCategories)
    .where(and(eq(ticketCategories.providerId, providerId), sql`lower(${ticketCategories.name}) = lower(${name})`)))[0];
  if (dup && dup.id !== exceptId) throw new AppError('CONFLICT', 'A category with this name already exists.', { field: 'name' });
}

async function loadOwnCategory(tx: TTx, providerId: number, categoryId: number) {
  const row = (await tx.select().from(ticketCategories).where(eq(ticketCategories.id, categoryId)))[0];
  if (!row || row.providerId !== providerId) throw new AppError('NOT_FOUND', 'Category not found.');
  return row;
}

export async function addCategory(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { name } = ZAddCategoryInput.parse(input);
  return await unitOfWork(ctx, async (tx) => {
    await refuseDuplicate(tx, admin.providerId, name);
    return (await tx.insert(ticketCategories).values({ providerId: admin.providerId, name, createdAt: ctx.clock.now() }).returning())[0]!;
  });
}

/** Renames a category and the tickets filed under it, so filters and views stay consistent. */
export async function renameCategory(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { categoryId, name } = ZRenameCategoryInput.parse(input);
  return await unitOfWork(ctx, async (tx) => {
    const row = await loadOwnCategory(tx, admin.providerId, categoryId);
    await refuseDuplicate(tx, admin.providerId, name, row.id);
    (await tx.update(tickets).set({ category: name }).where(and(eq(tickets.providerId, admin.providerId), eq(tickets.category, row.name))));
    return (await tx.update(ticketCategories).set({ name }).where(eq(ticketCategories.id, row.id)).returning())[0]!;
  });
}

/** Deactivating hides a category from new tickets; tickets filed under it keep it. */
export async function setCategoryActive(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { categoryId, active } = ZSetCategoryActiveInput.parse(input);
  return await unitOfWork(ctx, async (tx) => {
    const row = await loadOwnCategory(tx, admin.providerId, categoryId);
    return (await tx.update(ticketCategories).set({ active }).where(eq(ticketCategories.id, row.id)).returning())[0]!;
  });
}
