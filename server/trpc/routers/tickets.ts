import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import { followTopics } from '../../core/event-stream';
import { addReply } from '../../tickets/add-reply';
import { createTicket } from '../../tickets/create-ticket';
import { getTicket } from '../../tickets/get-ticket';
import { listTickets } from '../../tickets/list-tickets';
import { ZAddReplyInput, ZCreateTicketInput, ZListTicketsInput, ZTicketIdInput } from '../../tickets/schemas';
import { loadVisibleTicket } from '../../tickets/ticket-access';
import { ticketStaffTopic, ticketTopic } from '../../tickets/topics';
import { authedProcedure, router } from '../procedures';

export const ticketsRouter = router({
  list: authedProcedure.input(ZListTicketsInput).query(({ ctx, input }) => listTickets(ctx.svc, input)),
  get: authedProcedure.input(ZTicketIdInput).query(({ ctx, input }) => getTicket(ctx.svc, input)),
  create: authedProcedure.input(ZCreateTicketInput).mutation(({ ctx, input }) => createTicket(ctx.svc, input, 'portal')),
  reply: authedProcedure.input(ZAddReplyInput).mutation(({ ctx, input }) => addReply(ctx.svc, input, 'portal')),

  /** A ticket's thread, live; resumes after `lastEventId` without gaps or duplicates. */
  onThread: authedProcedure
    .input(ZTicketIdInput.extend({ lastEventId: z.coerce.number().int().nonnegative().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const ticket = loadVisibleTicket(ctx.svc.db, ctx.actor, input.ticketId);
      const ended = sessionTopic(ctx.session.id);
      const topics = [ticketTopic(ticket.id), ...(ctx.actor.kind === 'staff' ? [ticketStaffTopic(ticket.id)] : []), ended];
      for await (const e of followTopics(ctx.svc, topics, input.lastEventId, signal)) {
        if (e.topic === ended) return; // the session ended: stop streaming to it
        yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
      }
    }),
});
