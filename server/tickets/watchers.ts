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

const watcherIds = (tx: TTx, ticketId: number) =>
  tx
    .select({ id: ticketWatchers.contactId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticketId))
    .orderBy(asc(ticketWatchers.contactId))
    .all()
    .map((w) => w.id);

/** Staff add a contact of the ticket's own company (not its requester) as a watcher. */
export function addWatcher(ctx: ServiceContext, input: unknown): TTicketSummary {
  const actor = requireStaff(ctx.actor);
  const { ticketId, contactId } = ZWatcherInput.parse(input);
  return unitOfWork(ctx, (tx, emit) => {
    const t = loadVisibleTicket(tx, actor, ticketId);
    const c = tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.id, contactId), eq(contacts.companyId, t.companyId))).get();
    if (!c) throw new AppError('BAD_INPUT', "Watchers must be contacts of the ticket's company.", { field: 'contactId' });
    if (c.id === t.requesterContactId) throw new AppError('BAD_INPUT', 'The requester already follows this ticket.', { field: 'contactId' });
    const added = tx.insert(ticketWatchers).values({ ticketId: t.id, contactId: c.id, createdAt: ctx.clock.now() }).onConflictDoNothing().returning().all();
    if (!added.length) return loadTicketSummary(tx, t.id);
    return emitTicketChanged(tx, emit, t.id, { watcherContactIds: watcherIds(tx, t.id) }, { userId: actor.userId, name: actor.name, side: 'staff' });
  });
}

/** Staff remove a watcher; removing someone who does not watch changes nothing. */
export function removeWatcher(ctx: ServiceContext, input: unknown): TTicketSummary {
  const actor = requireStaff(ctx.actor);
  const { ticketId, contactId } = ZWatcherInput.parse(input);
  return unitOfWork(ctx, (tx, emit) => {
    const t = loadVisibleTicket(tx, actor, ticketId);
    const removed = tx
      .delete(ticketWatchers)
      .where(and(eq(ticketWatchers.ticketId, t.id), eq(ticketWatchers.contactId, contactId)))
      .returning()
      .all();
    if (!removed.length) return loadTicketSummary(tx, t.id);
    return emitTicketChanged(tx, emit, t.id, { watcherContactIds: watcherIds(tx, t.id) }, { userId: actor.userId, name: actor.name, side: 'staff' });
  });
}

/** Staff picker: contacts of the ticket's company who could watch it. */
export function watcherCandidates(ctx: ServiceContext, input: unknown) {
  const actor = requireStaff(ctx.actor);
  const { ticketId } = ZTicketIdInput.parse(input);
  const t = loadVisibleTicket(ctx.db, actor, ticketId);
  return ctx.db
    .select({ contactId: contacts.id, name: contacts.name, email: contacts.email })
    .from(contacts)
    .where(eq(contacts.companyId, t.companyId))
    .orderBy(asc(contacts.name))
    .all()
    .filter((c) => c.contactId !== t.requesterContactId);
}
