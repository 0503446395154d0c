import { and, asc, count, eq, gte, isNull, lte, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { companies } from '../../db/schema/people';
import { assets, certificates, domains } from '../../db/schema/technical';
import type { ServiceContext } from '../core/context';
import { technicalScope } from '../core/permissions';
import { myAssets } from './assets';
import { companyCondition } from './company-access';
import { addDays, EXPIRY_WINDOW_DAYS, expiryBadge, todayOf } from './expiry';

/** Items a dashboard card lists; the count says how many more there are. */
export const TOP_ITEMS = 5;

type TTable = typeof domains | typeof certificates | typeof assets;

async function expiringCard(ctx: ServiceContext, table: TTable, date: AnyPgColumn, where: SQL | undefined, today: string) {
  const total = (await ctx.db.select({ n: count() }).from(table).where(where))[0]?.n ?? 0;
  const rows = (await ctx.db
    .select({ id: table.id, name: table.name, companyName: companies.name, expiresOn: date })
    .from(table)
    .innerJoin(companies, eq(companies.id, table.companyId))
    .where(where)
    .orderBy(asc(date), asc(table.id))
    .limit(TOP_ITEMS));
  const items = rows.map((r) => ({ ...r, expiresOn: r.expiresOn as string, badge: expiryBadge(r.expiresOn as string, today) }));
  return { count: total, items };
}

/**
 * The dashboard's technical cards (seed 004 §18, §20): a contact's assigned assets, and for
 * Technical/Primary contacts and staff what expires within 45 days: domains and
 * certificates (expired ones included, they need action most) and asset warranties.
 */
export async function technicalSummary(ctx: ServiceContext) {
  const scope = technicalScope(ctx.actor);
  const today = todayOf(ctx.clock);
  const soon = addDays(today, EXPIRY_WINDOW_DAYS);
  const mine = ctx.actor.kind === 'contact' ? (await myAssets(ctx)).items : [];
  const assignedAssets = { count: mine.length, items: mine.slice(0, TOP_ITEMS) };
  if (scope.kind === 'assigned') return { today, assignedAssets, expiring: null };
  const within = async (table: TTable, date: AnyPgColumn, ...more: SQL[]) => and(await companyCondition(ctx.db, scope, table.companyId, undefined), lte(date, soon), ...more);
  return {
    today,
    assignedAssets,
    expiring: {
      domains: await expiringCard(ctx, domains, domains.expiresOn, await within(domains, domains.expiresOn), today),
      certificates: await expiringCard(ctx, certificates, certificates.expiresOn, await within(certificates, certificates.expiresOn), today),
      // A warranty that ended long ago is normal for an old device; only coming ends are news.
      warranties: await expiringCard(ctx, assets, assets.warrantyExpiry, await within(assets, assets.warrantyExpiry, gte(assets.warrantyExpiry, today), isNull(assets.archivedAt)), today),
    },
  };
}
export type TTechnicalSummary = Awaited<ReturnType<typeof technicalSummary>>;
