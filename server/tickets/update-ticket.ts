import { and, asc, eq } from 'drizzle-orm';
import { staffMembers, users } from '../../db/schema/people';
import { tickets, type TTicket } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { requireActiveCategory } from './categories';
import type { TTicketChanges, TTicketSummary } from './events';
import { ZUpdateTicketInput, type TUpdateTicketInput } from './schemas';
import { slaDueTimes } from './sla';
import { loadVisibleTicket } from './ticket-access';
import { emitTicketChanged, loadTicketSummary } from './ticket-summary';

/** An active staff member of the provider, with their name (the assignee picker's rule). */
async function requireAssignee(tx: TTx, providerId: number, staffId: number) {
  const s = (await tx
    .select({ id: staffMembers.id, name: users.name })
    .from(staffMembers)
    .innerJoin(users, eq(users.id, staffMembers.userId))
    .where(and(eq(staffMembers.id, staffId), eq(staffMembers.providerId, providerId), eq(staffMembers.active, true))))[0];
  if (!s) throw new AppError('BAD_INPUT', 'Assign the ticket to a staff member of your team.', { field: 'assigneeStaffId' });
  return { staffId: s.id, name: s.name };
}

/**
 * Staff change status, priority, category and assignee. Only real changes are written
 * and announced. Closing stamps closedAt; reopening clears it and any reopen request; a
 * new priority recomputes the SLA due times from the policy.
 */
export async function updateTicket(ctx: ServiceContext, input: TUpdateTicketInput): Promise<TTicketSummary> {
  const actor = requireStaff(ctx.actor);
  const data = ZUpdateTicketInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, data.ticketId);
    const now = ctx.clock.now();
    const set: Partial<TTicket> = {};
    const changes: TTicketChanges = {};
    if (data.status !== undefined && data.status !== t.status) {
      set.status = changes.status = data.status;
      if (data.status === 'closed') set.closedAt = now;
      else if (t.status === 'closed') Object.assign(set, { closedAt: null, reopenRequestedAt: null });
    }
    if (data.priority !== undefined && data.priority !== t.priority) {
      set.priority = changes.priority = data.priority;
      Object.assign(set, await slaDueTimes(tx, t.providerId, data.priority, t.createdAt));
    }
    if (data.category !== undefined) {
      const category = data.category === null ? null : await requireActiveCategory(tx, t.providerId, data.category);
      if (category !== t.category) set.category = changes.category = category;
    }
    if (data.assigneeStaffId !== undefined && data.assigneeStaffId !== t.assigneeStaffId) {
      const assignee = data.assigneeStaffId === null ? null : await requireAssignee(tx, t.providerId, data.assigneeStaffId);
      set.assigneeStaffId = assignee?.staffId ?? null;
      changes.assignee = assignee;
    }
    // Setting a value the ticket already has is a no-op: no write, no event.
    if (!Object.keys(changes).length) return await loadTicketSummary(tx, t.id);
    (await tx.update(tickets).set({ ...set, updatedAt: now }).where(eq(tickets.id, t.id)));
    return await emitTicketChanged(tx, emit, t.id, changes, { userId: actor.userId, name: actor.name, side: 'staff' });
  });
}

/** Staff picker: active staff of the provider a ticket can be assigned to. */
export async function assignableStaff(ctx: ServiceContext) {
  const actor = requireStaff(ctx.actor);
  return (await ctx.db
    .select({ staffId: staffMembers.id, name: users.name, role: staffMembers.role })
    .from(staffMembers)
    .innerJoin(users, eq(users.id, staffMembers.userId))
    .where(and(eq(staffMembers.providerId, actor.providerId), eq(staffMembers.active, true)))
    .orderBy(asc(users.name)));
}
