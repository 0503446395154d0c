import { and, eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { slaPolicies, type TTicketPriority } from '../../db/schema/tickets';
import type { TTx } from '../core/unit-of-work';

/**
 * First-response and resolution due times for a priority, counted from the ticket's
 * creation (also when the priority changes later, so the targets stay tied to when the
 * client asked). No policy row: no targets.
 */
export async function slaDueTimes(
  db: TDb | TTx,
  providerId: number,
  priority: TTicketPriority,
  createdAt: Date,
): Promise<{ firstResponseDueAt: Date | null; resolutionDueAt: Date | null }> {
  const policy = (await db
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.providerId, providerId), eq(slaPolicies.priority, priority))))[0];
  if (!policy) return { firstResponseDueAt: null, resolutionDueAt: null };
  const at = (minutes: number) => new Date(createdAt.getTime() + minutes * 60_000);
  return { firstResponseDueAt: at(policy.firstResponseMinutes), resolutionDueAt: at(policy.resolutionMinutes) };
}
