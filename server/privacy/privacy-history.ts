import { and, desc, eq, lt } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import { privacyConsents } from '../../db/schema/privacy';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { ZPrivacyHistoryInput } from './schemas';

async function historyRows(ctx: ServiceContext, providerId: number, cursor?: number, limit?: number) {
  const q = ctx.db
    .select({
      id: privacyConsents.id,
      name: users.name,
      email: users.email,
      policyVersion: privacyConsents.policyVersion,
      acceptedAt: privacyConsents.createdAt,
      ip: privacyConsents.ip,
    })
    .from(privacyConsents)
    .innerJoin(users, eq(users.id, privacyConsents.userId))
    .where(and(eq(privacyConsents.providerId, providerId), cursor ? lt(privacyConsents.id, cursor) : undefined))
    // Append-only, so the newest acceptance has the highest id.
    .orderBy(desc(privacyConsents.id));
  return limit ? (await q.limit(limit)) : (await q);
}

export type TPrivacyHistoryRow = Awaited<ReturnType<typeof historyRows>>[number];

/** "Privacy Action History": read-only, the admin's provider only, newest first. */
export async function listPrivacyHistory(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { cursor, limit } = ZPrivacyHistoryInput.parse(input ?? {});
  const rows = await historyRows(ctx, admin.providerId, cursor, limit + 1);
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1]?.id : undefined };
}

/** Every acceptance of the admin's provider, for the CSV export. */
export async function allPrivacyHistory(ctx: ServiceContext): Promise<TPrivacyHistoryRow[]> {
  const admin = requireStaffAdmin(ctx.actor);
  return await historyRows(ctx, admin.providerId);
}
