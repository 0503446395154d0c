import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import type { TEventRow } from '../../../db/schema/events';
import { addReply } from '../../tickets/add-reply';
import { listCategories } from '../../tickets/categories';
import { closeTicket, rateTicket, requestReopen } from '../../tickets/contact-actions';
import { createTicket } from '../../tickets/create-ticket';
import { getTicket } from '../../tickets/get-ticket';
import { listTickets } from '../../tickets/list-tickets';
import { logTime } from '../../tickets/log-time';
import { releaseMailNote } from '../../tickets/release-mail-note';
import { followPresence, setPresence } from '../../tickets/presence';
import {
  ZAddReplyInput,
  ZCategoriesInput,
  ZCreateTicketInput,
  ZListTicketsInput,
  ZLogTimeInput,
  ZPresenceInput,
  ZRateTicketInput,
  ZReleaseMailNoteInput,
  ZRequestReopenInput,
  ZTicketFeedInput,
  ZTicketIdInput,
  ZUpdateTicketInput,
  ZWatcherInput,
} from '../../tickets/schemas';
import { ticketFeed } from '../../tickets/ticket-feed';
import { followTicketFeed, followTicketList, followTicketThread } from '../../tickets/ticket-streams';
import { assignableStaff, updateTicket } from '../../tickets/update-ticket';
import { addWatcher, removeWatcher, watcherCandidates } from '../../tickets/watchers';
import { authedProcedure, router, staffProcedure } from '../procedures';

const ZResume = z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() });

/** Durable events as tracked messages: a reconnecting client resumes after the last id it saw. */
const asTracked = (e: TEventRow) => tracked(String(e.id), { kind: e.kind, payload: e.payload });

export const ticketsRouter = router({
  /** Portal list (contacts: what they may see; staff: the provider's tickets), keyset-paged. */
  list: authedProcedure.input(ZListTicketsInput).query(async ({ ctx, input }) => await listTickets(ctx.svc, input)),
  get: authedProcedure.input(ZTicketIdInput).query(async ({ ctx, input }) => await getTicket(ctx.svc, input)),
  create: authedProcedure.input(ZCreateTicketInput).mutation(async ({ ctx, input }) => await createTicket(ctx.svc, input, 'portal')),
  reply: authedProcedure.input(ZAddReplyInput).mutation(async ({ ctx, input }) => await addReply(ctx.svc, input, 'portal')),
  /** Active categories for the New Ticket form (staff admins: all with includeInactive). */
  categories: authedProcedure.input(ZCategoriesInput).query(async ({ ctx, input }) => await listCategories(ctx.svc, input)),
  close: authedProcedure.input(ZTicketIdInput).mutation(async ({ ctx, input }) => await closeTicket(ctx.svc, input)),
  requestReopen: authedProcedure.input(ZRequestReopenInput).mutation(async ({ ctx, input }) => await requestReopen(ctx.svc, input)),
  rate: authedProcedure.input(ZRateTicketInput).mutation(async ({ ctx, input }) => await rateTicket(ctx.svc, input)),

  /** Staff console. */
  feed: staffProcedure.input(ZTicketFeedInput).query(async ({ ctx, input }) => await ticketFeed(ctx.svc, input)),
  update: staffProcedure.input(ZUpdateTicketInput).mutation(async ({ ctx, input }) => await updateTicket(ctx.svc, input)),
  addWatcher: staffProcedure.input(ZWatcherInput).mutation(async ({ ctx, input }) => await addWatcher(ctx.svc, input)),
  removeWatcher: staffProcedure.input(ZWatcherInput).mutation(async ({ ctx, input }) => await removeWatcher(ctx.svc, input)),
  logTime: staffProcedure.input(ZLogTimeInput).mutation(async ({ ctx, input }) => await logTime(ctx.svc, input)),
  /** An emailed reply held for its unverified sender becomes the public reply it would have been. */
  releaseMailNote: staffProcedure.input(ZReleaseMailNoteInput).mutation(async ({ ctx, input }) => await releaseMailNote(ctx.svc, input, ctx.ip)),
  assignableStaff: staffProcedure.query(async ({ ctx }) => await assignableStaff(ctx.svc)),
  watcherCandidates: staffProcedure.input(ZTicketIdInput).query(async ({ ctx, input }) => await watcherCandidates(ctx.svc, input)),
  /** Heartbeat (~every 10 s) or change of a staff member's presence on a ticket. */
  setPresence: staffProcedure.input(ZPresenceInput).mutation(async ({ ctx, input }) => await setPresence(ctx.svc, input)),

  /** A ticket's thread, live; resumes after `lastEventId` without gaps or duplicates. */
  onThread: authedProcedure.input(ZTicketIdInput.extend(ZResume.shape)).subscription(async ({ ctx, input, signal }) =>
    await followTicketThread(ctx.svc, input.ticketId, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) }, asTracked),
  ),
  /** The portal list, live: only events of tickets this contact may see (staff: their feed). */
  onList: authedProcedure
    .input(ZResume)
    .subscription(({ ctx, input, signal }) =>
      followTicketList(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) }, asTracked),
    ),
  /** The staff feed, live. */
  onFeed: staffProcedure
    .input(ZResume)
    .subscription(({ ctx, input, signal }) =>
      followTicketFeed(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) }, asTracked),
    ),
  /** Who is viewing or typing on a ticket, whenever it changes (in memory, not resumable). */
  onPresence: staffProcedure
    .input(ZTicketIdInput)
    .subscription(({ ctx, input, signal }) => followPresence(ctx.svc, input, { signal, stopTopic: sessionTopic(ctx.session.id) })),
});
