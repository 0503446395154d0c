import { and, eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ticketWatchers, tickets, type TTicket } from '../../db/schema/tickets';
import type { TActor, TContactActor } from '../core/actor';
import { AppError } from '../core/app-error';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { p, preparedQueries } from '../core/prepared';
import type { TTx } from '../core/unit-of-work';

/*
 * Who may see and do what on a ticket; every ticket service and stream asks here.
 * Staff: every ticket of their provider. Contacts: tickets of their own company that they
 * raised or watch; Technical and Primary contacts: all of their company's tickets.
 */

type TVisibilityFacts = { companyId: number; requesterContactId: number | null; watcherContactIds: readonly number[] };

/** The contact rule on the facts a ticket summary carries (used to filter live list events too). */
export function contactMaySee(actor: TContactActor, t: TVisibilityFacts): boolean {
  if (actor.companyId !== t.companyId) return false;
  if (contactAreas(actor.types).allCompanyTickets) return true;
  return t.requesterContactId === actor.contactId || t.watcherContactIds.includes(actor.contactId);
}

/** Whether an actor may see a ticket; pass the ticket's watchers for a Standard contact. */
export function canSeeTicket(actor: TActor, ticket: TTicket, watcherContactIds: readonly number[] = []): boolean {
  if (actor.kind === 'staff') return actor.providerId === ticket.providerId;
  if (actor.kind !== 'contact') return false;
  return contactMaySee(actor, { ...ticket, watcherContactIds });
}

const queries = preparedQueries((db) => ({
  watching: db
    .select({ id: ticketWatchers.contactId })
    .from(ticketWatchers)
    .where(and(eq(ticketWatchers.ticketId, p('ticketId')), eq(ticketWatchers.contactId, p('contactId'))))
    .prepare('ticket-access.watching'),
  ticket: db.select().from(tickets).where(eq(tickets.id, p('id'))).prepare('ticket-access.ticket'),
}));

/** Whether a contact watches a ticket (one indexed lookup). */
export async function isWatching(db: TDb | TTx, ticketId: number, contactId: number): Promise<boolean> {
  return !!await queries(db).watching.get({ ticketId, contactId });
}

/** Loads a ticket the actor may see; a ticket they may not see is reported as missing. */
export async function loadVisibleTicket(db: TDb | TTx, actor: TActor, ticketId: number): Promise<TTicket> {
  requireSignedIn(actor);
  const ticket = await queries(db).ticket.get({ id: ticketId });
  if (!ticket) throw new AppError('NOT_FOUND', 'Ticket not found.');
  // Only a contact's own watch matters for their visibility.
  const watchers = actor.kind === 'contact' && actor.companyId === ticket.companyId && await isWatching(db, ticket.id, actor.contactId) ? [actor.contactId] : [];
  if (!canSeeTicket(actor, ticket, watchers)) {
    throw new AppError('NOT_FOUND', 'Ticket not found.');
  }
  return ticket;
}

export interface TTicketActions {
  reply: boolean;
  close: boolean;
  requestReopen: boolean;
  rate: boolean;
  /** Staff: status, priority, category, assignee, watchers, time, internal notes. */
  manage: boolean;
}

/** What the actor may do on a ticket they can see; the pages show buttons from this. */
export function ticketActions(actor: TActor, ticket: TTicket): TTicketActions {
  const closed = ticket.status === 'closed';
  if (actor.kind === 'staff') return { reply: true, close: !closed, requestReopen: false, rate: false, manage: true };
  if (actor.kind !== 'contact') return { reply: false, close: false, requestReopen: false, rate: false, manage: false };
  return {
    reply: !closed,
    close: !closed,
    requestReopen: closed && !ticket.reopenRequestedAt,
    rate: closed && ticket.requesterContactId === actor.contactId && !ticket.satisfaction,
    manage: false,
  };
}

type TRefusal = ['CONFLICT' | 'FORBIDDEN', string];
const REFUSALS: Record<Exclude<keyof TTicketActions, 'manage'>, (t: TTicket, actor: TActor) => TRefusal> = {
  reply: () => ['CONFLICT', 'This ticket is closed. Use "Request reopen" to continue it.'],
  close: () => ['CONFLICT', 'This ticket is already closed.'],
  requestReopen: (t, actor) =>
    actor.kind !== 'contact'
      ? ['FORBIDDEN', 'Staff reopen a ticket by changing its status.']
      : t.status !== 'closed'
        ? ['CONFLICT', 'This ticket is still open.']
        : ['CONFLICT', 'Reopening was already requested.'],
  rate: (t, actor) =>
    actor.kind !== 'contact' || t.requesterContactId !== actor.contactId
      ? ['FORBIDDEN', 'Only the person who raised the ticket can rate it.']
      : t.status !== 'closed'
        ? ['CONFLICT', 'A ticket can be rated once it is closed.']
        : ['CONFLICT', 'This ticket has already been rated.'],
};

/** Throws a clear AppError unless the actor may take `action` on the ticket. */
export function requireTicketAction(actor: TActor, ticket: TTicket, action: keyof TTicketActions): void {
  if (ticketActions(actor, ticket)[action]) return;
  if (action === 'manage') throw new AppError('FORBIDDEN', 'Only staff can change this.');
  const [code, message] = REFUSALS[action](ticket, actor);
  throw new AppError(code, message);
}
