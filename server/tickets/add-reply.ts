import { eq } from 'drizzle-orm';
import type { TMailFlag } from '../../db/schema/inbound-mail';
import { ticketComments, tickets, type TTicketComment } from '../../db/schema/tickets';
import { claimAttachments } from '../attachments/claim-attachments';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { p, preparedQueries } from '../core/prepared';
import { unitOfWork } from '../core/unit-of-work';
import { toCommentViews } from './comment-view';
import { ZAddReplyInput, type TAddReplyInput } from './schemas';
import { loadVisibleTicket, requireTicketAction } from './ticket-access';
import { emitTicketEvent, emitTicketUpdated } from './ticket-summary';
import { ticketStaffTopic, ticketTopic } from './topics';

const queries = preparedQueries((db) => ({
  insertComment: db
    .insert(ticketComments)
    .values({
      ticketId: p('ticketId'),
      authorUserId: p('authorUserId'),
      authorName: p('authorName'),
      authorSide: p('authorSide'),
      body: p('body'),
      internal: p('internal'),
      source: p('source'),
      createdAt: p('createdAt'),
      flags: p('flags'),
      inboundMessageId: p('inboundMessageId'),
    })
    .returning()
    .prepare('add-reply.insertComment'),
  touch: db.update(tickets).set({ updatedAt: p('now') as never }).where(eq(tickets.id, p('id'))).prepare('add-reply.touch'),
}));

/**
 * Adds a public reply, or (staff) an internal note, to a ticket the actor may see.
 * Contacts cannot reply on a closed ticket (they request reopening). The first public
 * staff reply sets firstRespondedAt. Internal notes reach only staff topics.
 */
/** Where an emailed reply came from: the accepted message, and what intake noted of it (reopened, …). */
export type TMailOrigin = { inboundMessageId: number; flags: TMailFlag[] };

export async function addReply(ctx: ServiceContext, input: TAddReplyInput, source: 'portal' | 'email' | 'staff' = 'portal', mail?: TMailOrigin): Promise<TTicketComment> {
  const actor = requireSignedIn(ctx.actor);
  const data = ZAddReplyInput.parse(input);
  if (data.internal && actor.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff can add internal notes.');
  return await unitOfWork(ctx, async (tx, emit) => {
    const ticket = await loadVisibleTicket(tx, actor, data.ticketId);
    requireTicketAction(actor, ticket, 'reply');
    const now = ctx.clock.now();
    const comment = (await queries(tx).insertComment.get({
      ticketId: ticket.id,
      authorUserId: actor.userId,
      authorName: actor.name,
      authorSide: actor.kind === 'staff' ? 'staff' : 'client',
      body: data.body,
      internal: data.internal,
      source: source === 'email' ? 'email' : actor.kind === 'staff' ? 'staff' : 'portal',
      createdAt: now,
      flags: mail?.flags ?? [],
      inboundMessageId: mail?.inboundMessageId ?? null,
    }))!;
    await claimAttachments(tx, data.attachmentIds, { uploaderUserId: actor.userId, providerId: ticket.providerId }, { ticketId: ticket.id, commentId: comment.id });
    const firstResponse = actor.kind === 'staff' && !comment.internal && !ticket.firstRespondedAt;
    if (firstResponse) (await tx.update(tickets).set({ updatedAt: now, firstRespondedAt: now }).where(eq(tickets.id, ticket.id)));
    else await queries(tx).touch.run({ now, id: ticket.id });
    const [view] = await toCommentViews(tx, [comment]);
    const topic = comment.internal ? ticketStaffTopic(ticket.id) : ticketTopic(ticket.id);
    emitTicketEvent(emit, topic, 'comment.added', { ticketId: ticket.id, comment: view! });
    await emitTicketUpdated(tx, emit, ticket.id, comment.internal ? 'staff' : 'public');
    return comment;
  });
}
