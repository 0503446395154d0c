import { eq } from 'drizzle-orm';
import type { TMailFlag } from '../../db/schema/inbound-mail';
import { ticketComments, tickets, type TTicketComment } from '../../db/schema/tickets';
import { recordReceivedFiles, type TReceivedFile } from '../attachments/store';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { toCommentViews } from './comment-view';
import { emitTicketEvent, emitTicketUpdated } from './ticket-summary';
import { ticketStaffTopic } from './topics';

export interface TMailNote {
  ticketId: number;
  providerId: number;
  body: string;
  /** Who the mail says it is from ("Name <address>"), and their user when known. */
  authorName: string;
  authorUserId: number | null;
  flags: TMailFlag[];
  inboundMessageId: number;
  files: readonly TReceivedFile[];
  /** A person wrote it (a sender mismatch): move the ticket up the staff feed. Automatic mail does not. */
  bump: boolean;
}

/**
 * Mail that may not become a public reply (a sender who is not on the ticket, automatic
 * replies, bounces) is kept on the ticket as a flagged internal note: staff see it live,
 * clients never do, and internal notes are never mailed. addReply only lets staff write
 * internal notes, and this note is not by staff, so intake calls this, with the same
 * comment view and events.
 */
export async function addMailNote(ctx: ServiceContext, note: TMailNote): Promise<TTicketComment> {
  return await unitOfWork(ctx, async (tx, emit) => {
    const now = ctx.clock.now();
    const comment = (await tx
      .insert(ticketComments)
      .values({
        ticketId: note.ticketId,
        authorUserId: note.authorUserId,
        authorName: note.authorName.slice(0, 200),
        authorSide: 'client',
        body: note.body,
        internal: true,
        source: 'email',
        createdAt: now,
        flags: note.flags,
        inboundMessageId: note.inboundMessageId,
      })
      .returning())[0]!;
    await recordReceivedFiles(tx, ctx, note.files, { providerId: note.providerId, uploaderUserId: null }, { ticketId: note.ticketId, commentId: comment.id });
    const [view] = await toCommentViews(tx, [comment]);
    emitTicketEvent(emit, ticketStaffTopic(note.ticketId), 'comment.added', { ticketId: note.ticketId, comment: view! });
    if (note.bump) {
      (await tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, note.ticketId)));
      await emitTicketUpdated(tx, emit, note.ticketId, 'staff');
    }
    return comment;
  });
}
