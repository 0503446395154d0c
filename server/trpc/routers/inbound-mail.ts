import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import { followTopics } from '../../core/event-stream';
import { listInboundMail, ticketMailOrigins, viewInboundMail } from '../../mail-intake/inbound-view';
import { ZAttachInboundInput, ZInboundIdInput, ZListInboundInput, ZTicketFromInboundInput, ZTicketIdInput } from '../../mail-intake/schemas';
import { attachInboundToTicket, discardInbound, ticketFromInbound } from '../../mail-intake/sort-inbound';
import { inboundTopic } from '../../mail-intake/topics';
import { router, staffProcedure } from '../procedures';

export const inboundMailRouter = router({
  /** The Unmatched mail list (status "open": unmatched and failed). */
  list: staffProcedure.input(ZListInboundInput).query(async ({ ctx, input }) => await listInboundMail(ctx.svc, input)),
  /** One message in full: sanitised HTML or text, attachments, and the .eml link. */
  get: staffProcedure.input(ZInboundIdInput).query(({ ctx, input }) => viewInboundMail(ctx.svc, input)),
  /** Which comments of a ticket came by mail (to offer "Show original"), with their flags. */
  forTicket: staffProcedure.input(ZTicketIdInput).query(async ({ ctx, input }) => await ticketMailOrigins(ctx.svc, input)),
  attach: staffProcedure.input(ZAttachInboundInput).mutation(({ ctx, input }) => attachInboundToTicket(ctx.svc, input)),
  createTicket: staffProcedure.input(ZTicketFromInboundInput).mutation(({ ctx, input }) => ticketFromInbound(ctx.svc, input)),
  discard: staffProcedure.input(ZInboundIdInput).mutation(async ({ ctx, input }) => await discardInbound(ctx.svc, input)),

  /** Messages entering or leaving the list, live; resumes after `lastEventId`. */
  onChange: staffProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const ended = sessionTopic(ctx.session.id);
      const topics = [inboundTopic(ctx.actor.providerId), ...(ctx.actor.role === 'admin' ? [inboundTopic(null)] : []), ended];
      for await (const e of followTopics(ctx.svc, topics, input.lastEventId, signal)) {
        if (e.topic === ended) return;
        yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
      }
    }),
});
