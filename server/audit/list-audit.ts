import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from '../../db/schema/dialect';
import { z } from 'zod';
import { auditEvents } from '../../db/schema/audit';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { AUDIT_KINDS } from './record-audit';

export const ZListAuditInput = z.object({
  /** Page backwards from this id (exclusive). */
  before: z.number().int().positive('Unknown log entry.').optional(),
  limit: z.number().int().min(1, 'Show at least 1 entry.').max(200, 'Show at most 200 entries at a time.').default(50),
  kind: z.enum(AUDIT_KINDS, { message: 'Unknown event kind.' }).optional(),
});

/**
 * The security audit log for a staff admin: entries of their provider, and entries tied to
 * no provider (failed sign-ins, say) about users who hold an account with it (staff, or
 * contacts of its companies), newest first. An entry tied to another provider stays there,
 * even when its person is also one of ours.
 */
export async function listAudit(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { before, limit, kind } = ZListAuditInput.parse(input ?? {});
  const staffUsers = ctx.db.select({ id: staffMembers.userId }).from(staffMembers).where(eq(staffMembers.providerId, admin.providerId));
  const contactUsers = ctx.db
    .select({ id: sql<number>`${contacts.userId}` })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(eq(companies.providerId, admin.providerId));
  const conditions: SQL[] = [
    or(
      eq(auditEvents.providerId, admin.providerId),
      and(isNull(auditEvents.providerId), or(inArray(auditEvents.userId, staffUsers), inArray(auditEvents.userId, contactUsers))),
    )!,
  ];
  if (before) conditions.push(lt(auditEvents.id, before));
  if (kind) conditions.push(eq(auditEvents.kind, kind));
  // Who acted, when it was someone else than the user (an admin unlocking, say).
  const actors = alias(users, 'actors');
  const rows = (await ctx.db
    .select({ e: auditEvents, userName: users.name, actorName: actors.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .leftJoin(actors, eq(actors.id, auditEvents.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit));
  return rows.map(({ e, userName, actorName }) => ({
    id: e.id,
    kind: e.kind,
    userName,
    actorName,
    email: e.email,
    ip: e.ip,
    detail: e.detail,
    createdAt: e.createdAt,
  }));
}
