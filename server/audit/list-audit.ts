import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvents } from '../../db/schema/audit';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { AUDIT_KINDS } from './record-audit';

export const ZListAuditInput = z.object({
  /** Page backwards from this id (exclusive). */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  kind: z.enum(AUDIT_KINDS).optional(),
});

/**
 * The security audit log for a staff admin: entries of their provider, and entries about
 * users who hold an account with it (staff, or contacts of its companies), newest first.
 */
export function listAudit(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { before, limit, kind } = ZListAuditInput.parse(input ?? {});
  const staffUsers = ctx.db.select({ id: staffMembers.userId }).from(staffMembers).where(eq(staffMembers.providerId, admin.providerId));
  const contactUsers = ctx.db
    .select({ id: sql<number>`${contacts.userId}` })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(eq(companies.providerId, admin.providerId));
  const conditions: SQL[] = [
    or(eq(auditEvents.providerId, admin.providerId), inArray(auditEvents.userId, staffUsers), inArray(auditEvents.userId, contactUsers))!,
  ];
  if (before) conditions.push(lt(auditEvents.id, before));
  if (kind) conditions.push(eq(auditEvents.kind, kind));
  const rows = ctx.db
    .select({ e: auditEvents, userName: users.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
  return rows.map(({ e, userName }) => ({
    id: e.id,
    kind: e.kind,
    userName,
    email: e.email,
    ip: e.ip,
    detail: e.detail,
    createdAt: e.createdAt,
  }));
}
