import { eq } from 'drizzle-orm';
import { attachments, type TAttachment } from '../../db/schema/attachments';
import { ticketComments, tickets } from '../../db/schema/tickets';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { canSeeTicket, isWatching } from '../tickets/ticket-access';
import { attachmentPath } from './store';

/**
 * The attachment if the actor may download it, else null (callers answer "not found", so
 * nobody learns that an id exists). Claimed: whoever may see the ticket (canSeeTicket), and for an
 * internal note's file only staff. Unclaimed: only its uploader.
 */
export async function downloadableAttachment(ctx: ServiceContext, actor: TActor, attachmentId: number): Promise<TAttachment | null> {
  if (actor.kind !== 'staff' && actor.kind !== 'contact') return null;
  const row = (await ctx.db.select().from(attachments).where(eq(attachments.id, attachmentId)))[0];
  if (!row || row.providerId !== actor.providerId) return null;
  if (row.ticketId === null) return row.uploaderUserId === actor.userId ? row : null;
  const ticket = (await ctx.db.select().from(tickets).where(eq(tickets.id, row.ticketId)))[0];
  if (!ticket) return null;
  // A Standard contact also sees tickets they watch.
  const watching = actor.kind === 'contact' && actor.companyId === ticket.companyId && await isWatching(ctx.db, ticket.id, actor.contactId);
  if (!canSeeTicket(actor, ticket, watching ? [actor.contactId] : [])) return null;
  if (row.commentId !== null) {
    const comment = (await ctx.db.select().from(ticketComments).where(eq(ticketComments.id, row.commentId)))[0];
    if (!comment || comment.ticketId !== ticket.id) return null;
    if (comment.internal && actor.kind !== 'staff') return null;
  }
  return row;
}

export const canDownloadAttachment = async (ctx: ServiceContext, actor: TActor, attachmentId: number): Promise<boolean> =>
  await downloadableAttachment(ctx, actor, attachmentId) !== null;

/** What a download needs: the row and where its content lies. */
export async function openDownload(ctx: ServiceContext, attachmentId: number): Promise<{ attachment: TAttachment; path: string } | null> {
  const attachment = await downloadableAttachment(ctx, ctx.actor, attachmentId);
  return attachment && { attachment, path: attachmentPath(ctx.settings, attachment.sha256) };
}
