import { eq } from 'drizzle-orm';
import { ticketComments, tickets, type TTicketComment } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { ZAddReplyInput, type TAddReplyInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';
import { companyTicketsTopic, staffFeedTopic, ticketStaffTopic, ticketTopic } from './topics';

/** Adds a reply (or, for staff, an internal note) to a ticket the actor may see. */
export function addReply(ctx: ServiceContext, input: TAddReplyInput, source: 'portal' | 'email' | 'staff' = 'portal'): TTicketComment {
  const data = ZAddReplyInput.parse(input);
  const ticket = loadVisibleTicket(ctx.db, ctx.actor, data.ticketId);
  const actor = ctx.actor as Extract<typeof ctx.actor, { kind: 'staff' | 'contact' }>;
  if (data.internal && actor.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff can add internal notes.');
  return unitOfWork(ctx, (tx, emit) => {
    const now = ctx.clock.now();
    const comment = tx
      .insert(ticketComments)
      .values({
        ticketId: ticket.id,
        authorUserId: actor.userId,
        authorName: actor.name,
        authorSide: actor.kind === 'staff' ? 'staff' : 'client',
        body: data.body,
        internal: data.internal,
        source: actor.kind === 'staff' ? 'staff' : source,
        createdAt: now,
      })
      .returning()
      .get();
    tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, ticket.id)).run();
    const payload = { ticketId: ticket.id, comment: { ...comment, createdAt: now.getTime() } };
    if (comment.internal) {
      emit(ticketStaffTopic(ticket.id), 'comment.added', payload);
    } else {
      emit(ticketTopic(ticket.id), 'comment.added', payload);
      emit(companyTicketsTopic(ticket.companyId), 'ticket.updated', { ticketId: ticket.id, updatedAt: now.getTime() });
    }
    emit(staffFeedTopic(ticket.providerId), 'ticket.updated', {
      ticketId: ticket.id,
      updatedAt: now.getTime(),
      lastReplyBy: actor.kind,
    });
    return comment;
  });
}
