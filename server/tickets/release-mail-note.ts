import { and, eq } from 'drizzle-orm';
import { contacts, users } from '../../db/schema/people';
import { ticketComments, tickets } from '../../db/schema/tickets';
import { actorForAccount } from '../auth/accounts';
import { recordAudit } from '../audit/record-audit';
import { AppError, isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { toCommentViews } from './comment-view';
import type { TCommentView } from './events';
import { ZReleaseMailNoteInput } from './schemas';
import { loadVisibleTicket, requireTicketAction } from './ticket-access';
import { emitTicketEvent, emitTicketUpdated } from './ticket-summary';
import { ticketTopic } from './topics';
import type { TMailFlag } from '../../db/schema/inbound-mail';

/** The flag of an emailed reply held because its sender could not be authenticated. */
export const UNVERIFIED_SENDER: TMailFlag = 'unverified_sender';
/** The flag it carries once staff released it. */
export const RELEASED: TMailFlag = 'released';

/**
 * Staff of the ticket's provider: an emailed reply held as an internal note because its
 * sender could not be authenticated becomes the public reply it would have been, written by
 * the contact it claims to be from. It then reaches the client's thread live and is mailed
 * as any client reply is; the release is in the Security log. Only a contact of the ticket's
 * company who may reply there can be the author; a closed ticket is reopened first.
 */
export async function releaseMailNote(ctx: ServiceContext, input: unknown, ip: string | null = null): Promise<TCommentView> {
  const staff = requireStaff(ctx.actor);
  const { commentId } = ZReleaseMailNoteInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const comment = (await tx.select().from(ticketComments).where(eq(ticketComments.id, commentId)))[0];
    const ticket = comment && (await tx.select().from(tickets).where(eq(tickets.id, comment.ticketId)))[0];
    if (!comment || !ticket || ticket.providerId !== staff.providerId) throw new AppError('NOT_FOUND', 'Comment not found.');
    if (!comment.internal || !comment.flags.includes(UNVERIFIED_SENDER)) throw new AppError('CONFLICT', 'Only a held reply from an unverified sender can be released.');

    const user = comment.authorUserId ? (await tx.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, comment.authorUserId)))[0] : undefined;
    const contact = user && (await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.userId, user.id), eq(contacts.companyId, ticket.companyId))))[0];
    const author = contact ? await actorForAccount(ctx.db, user, { kind: 'contact', id: contact.id }) : null;
    if (!author || author.kind !== 'contact') throw new AppError('CONFLICT', 'The sender is not a contact of this company with portal access, so the reply cannot be theirs.');
    try {
      requireTicketAction(author, await loadVisibleTicket(tx, author, ticket.id), 'reply');
    } catch (err) {
      if (!isAppError(err)) throw err;
      throw new AppError('CONFLICT', ticket.status === 'closed' ? 'The ticket is closed: reopen it, then release the reply.' : 'The sender may not reply on this ticket.');
    }

    const now = ctx.clock.now();
    const released = (await tx
      .update(ticketComments)
      .set({ internal: false, authorUserId: author.userId, authorName: author.name, authorSide: 'client', flags: [...comment.flags.filter((f) => f !== UNVERIFIED_SENDER), RELEASED] })
      .where(and(eq(ticketComments.id, comment.id), eq(ticketComments.internal, true)))
      .returning())[0]!;
    if (!released) throw new AppError('CONFLICT', 'This reply was released already.');
    (await tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, ticket.id)));
    const [view] = await toCommentViews(tx, [released]);
    // On the public thread: clients see it, staff views replace the note, the notifier mails it.
    emitTicketEvent(emit, ticketTopic(ticket.id), 'comment.added', { ticketId: ticket.id, comment: view! });
    await emitTicketUpdated(tx, emit, ticket.id, 'public');
    await recordAudit(tx, now, {
      kind: 'mail_reply_released',
      providerId: ticket.providerId,
      actorUserId: staff.userId,
      userId: author.userId,
      email: user!.email,
      ip,
      detail: { ticketId: ticket.id, ticketNumber: ticket.number, commentId: comment.id, inboundMessageId: comment.inboundMessageId },
    });
    return view!;
  });
}
