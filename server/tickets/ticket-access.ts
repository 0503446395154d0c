import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { tickets, type TTicket } from '../../db/schema/tickets';
import type { TActor } from '../core/actor';
import { AppError } from '../core/app-error';
import { contactAreas, requireSignedIn } from '../core/permissions';

/** Whether an actor may see a ticket: staff of its provider; its company's contacts by type. */
export function canSeeTicket(actor: TActor, ticket: TTicket): boolean {
  if (actor.kind === 'staff') return actor.providerId === ticket.providerId;
  if (actor.kind !== 'contact' || actor.companyId !== ticket.companyId) return false;
  return ticket.requesterContactId === actor.contactId || contactAreas(actor.types).allCompanyTickets;
}

/** Loads a ticket the actor may see; a ticket they may not see is reported as missing. */
export function loadVisibleTicket(db: TDb, actor: TActor, ticketId: number): TTicket {
  requireSignedIn(actor);
  const ticket = db.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!ticket || !canSeeTicket(actor, ticket)) throw new AppError('NOT_FOUND', 'Ticket not found.');
  return ticket;
}
