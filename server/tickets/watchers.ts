import { and, asc, eq } from 'drizzle-orm';
import { contacts } from '../../db/schema/people';
import { ticketWatchers } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import type { TTicketSummary } from './events';
import { ZTicketIdInput, ZWatcherInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';
import { emitTicketChanged, loadTicketSummary } from './ticket-summary';

const watcherIds = async (tx: TTx, ticketId: number) =>
  (await tx
    .select({ id: ticketWatchers.contactId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticketId))
    .orderBy(asc(ticketWatchers.contactId)))
    .map((w) => w.id);

/** Staff add a contact of the ticket's own company (not its requester) as a watcher. */
export async function addWatcher(ctx: ServiceContext, input: unknown): Promise<TTicketSummary> {
  const actor = requireStaff(ctx.actor);
  const { ticketId, contactId } = ZWatcherInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    const c = (await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.id, contactId), eq(contacts.companyId, t.companyId))))[0];
    if (!c) throw new AppError('BAD_INPUT', "Watchers must be contacts of the ticket's company.", { field: 'contactId' });
    if (c.id === t.requesterContactId) throw new AppError('BAD_INPUT', 'The requester already follows this ticket.', { field: 'contactId' });
    const added = (await tx.insert(ticketWatchers).values({ ticketId: t.id, contactId: c.id, createdAt: ctx.clock.now() }).onConflictDoNothing().returning());
    if (!added.length) return await loadTicketSummary(tx, t.id);
    return await emitTicketChanged(tx, emit, t.id, { watcherContactIds: await watcherIds(tx, t.id) }, { userId: actor.userId, name: actor.name, side: 'staff' });
  });
}

/** Staff remove a watcher; removing someone who does not watch changes nothing. */
export async function removeWatcher(ctx: ServiceContext, input: unknown): Promise<TTicketSummary> {
  const actor = requireStaff(ctx.actor);
  const { ticketId, contactId } = ZWatcherInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    const removed = (await tx
      .delete(ticketWatchers)
      .where(and(eq(ticketWatchers.ticketId, t.id), eq(ticketWatchers.contactId, contactId)))
      .returning());
    if (!removed.length) return await loadTicketSummary(tx, t.id);
    return await emitTicketChanged(tx, emit, t.id, { watcherContactIds: await watcherIds(tx, t.id) }, { userId: actor.userId, name: actor.name, side: 'staff' });
  });
}

/** Staff picker: contacts of the ticket's company who could watch it. */
export async function watcherCandidates(ctx: ServiceContext, input: unknown) {
  const actor = requireStaff(ctx.actor);
  const { ticketId } = ZTicketIdInput.parse(input);
  const t = await loadVisibleTicket(ctx.db, actor, ticketId);
  return (await ctx.db
    .select({ contactId: contacts.id, name: contacts.name, email: contacts.email })
    .from(contacts)
    .where(eq(contacts.companyId, t.companyId))
    .orderBy(asc(contacts.name)))
    .filter((c) => c.contactId !== t.requesterContactId);
}
