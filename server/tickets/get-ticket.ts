import { and, asc, eq } from 'drizzle-orm';
import { companies, contacts } from '../../db/schema/people';
import { ticketComments } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { ZTicketIdInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';

/** One ticket with its conversation; internal notes only for staff. */
export function getTicket(ctx: ServiceContext, input: unknown) {
  const { ticketId } = ZTicketIdInput.parse(input);
  const ticket = loadVisibleTicket(ctx.db, ctx.actor, ticketId);
  const staff = ctx.actor.kind === 'staff';
  const comments = ctx.db
    .select()
    .from(ticketComments)
    .where(staff ? eq(ticketComments.ticketId, ticket.id) : and(eq(ticketComments.ticketId, ticket.id), eq(ticketComments.internal, false)))
    .orderBy(asc(ticketComments.id))
    .all();
  const company = ctx.db.select({ name: companies.name }).from(companies).where(eq(companies.id, ticket.companyId)).get();
  const requester = ticket.requesterContactId
    ? ctx.db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, ticket.requesterContactId)).get()
    : undefined;
  return { ticket, comments, companyName: company?.name ?? '', requesterName: requester?.name ?? null };
}
