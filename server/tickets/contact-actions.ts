import { eq } from 'drizzle-orm';
import { ticketComments, tickets } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { toCommentViews } from './comment-view';
import type { TTicketSummary } from './events';
import { ZRateTicketInput, ZRequestReopenInput, ZTicketIdInput } from './schemas';
import { loadVisibleTicket, requireTicketAction } from './ticket-access';
import { emitTicketChanged, emitTicketEvent, emitTicketUpdated } from './ticket-summary';
import { ticketTopic } from './topics';

/*
 * What a client does to a ticket besides replying: close it, ask for it to be reopened,
 * rate it once closed. Rules are in ./ticket-access.ts (ticketActions).
 */

/** "Close ticket": any actor who sees an open ticket (staff may also set the status). */
export async function closeTicket(ctx: ServiceContext, input: unknown): Promise<TTicketSummary> {
  const actor = requireSignedIn(ctx.actor);
  const { ticketId } = ZTicketIdInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    requireTicketAction(actor, t, 'close');
    const now = ctx.clock.now();
    (await tx.update(tickets).set({ status: 'closed', closedAt: now, updatedAt: now }).where(eq(tickets.id, t.id)));
    return await emitTicketChanged(tx, emit, t.id, { status: 'closed' }, { userId: actor.userId, name: actor.name, side: actor.kind === 'staff' ? 'staff' : 'client' });
  });
}

/**
 * "Request reopen" on a closed ticket: stamps reopenRequestedAt and adds a visible comment,
 * which reaches staff on the thread and (as the client's last word) in the staff feed.
 * Staff reopen it by changing the status.
 */
export async function requestReopen(ctx: ServiceContext, input: unknown): Promise<TTicketSummary> {
  const actor = requireSignedIn(ctx.actor);
  const { ticketId, reason } = ZRequestReopenInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    requireTicketAction(actor, t, 'requestReopen');
    const now = ctx.clock.now();
    const comment = (await tx
      .insert(ticketComments)
      .values({
        ticketId: t.id,
        authorUserId: actor.userId,
        authorName: actor.name,
        authorSide: 'client',
        body: reason ? `Asked to reopen this ticket: ${reason}` : 'Asked to reopen this ticket.',
        internal: false,
        source: 'portal',
        createdAt: now,
      })
      .returning())[0]!;
    (await tx.update(tickets).set({ reopenRequestedAt: now, updatedAt: now }).where(eq(tickets.id, t.id)));
    emitTicketEvent(emit, ticketTopic(t.id), 'comment.added', { ticketId: t.id, comment: (await toCommentViews(tx, [comment]))[0]! });
    return await emitTicketUpdated(tx, emit, t.id, 'public');
  });
}

/** The requester rates a closed ticket once: good or bad, with an optional comment. */
export async function rateTicket(ctx: ServiceContext, input: unknown): Promise<TTicketSummary> {
  const actor = requireSignedIn(ctx.actor);
  const { ticketId, rating, comment } = ZRateTicketInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const t = await loadVisibleTicket(tx, actor, ticketId);
    requireTicketAction(actor, t, 'rate');
    (await tx.update(tickets)
      .set({ satisfaction: rating, satisfactionComment: comment || null, satisfactionAt: ctx.clock.now() })
      .where(eq(tickets.id, t.id)));
    // The summary carries no rating; the update tells open lists and consoles to re-read the row.
    return await emitTicketUpdated(tx, emit, t.id, 'public');
  });
}
