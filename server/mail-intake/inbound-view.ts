import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, or, type SQL } from 'drizzle-orm';
import { attachments } from '../../db/schema/attachments';
import { inboundMessages, type TInboundMessage, type TInboundStatus, type TSenderAuth } from '../../db/schema/inbound-mail';
import { ticketComments, tickets } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { TStaffActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { requireStaff } from '../core/permissions';
import { headerText, parseMail } from './parse-message';
import { replyContent } from './reply-content';
import { senderVerdict } from './sender-view';
import { ZInboundIdInput, ZListInboundInput, ZTicketIdInput } from './schemas';
import { rawRange, readRawMessage } from './raw-files';
import type { TMailFlag } from './outcomes';

// sanitize-html loads when staff first open an original message, not at start.
const loadSanitizer = loadOnFirstUse(() => import('./sanitize-mail-html'));

/*
 * What staff read of inbound mail: the Unmatched mail list, one message in full (sanitised
 * HTML or plain text, never raw markup), and which comments of a ticket came by mail.
 * Staff see their provider's mail; mail no provider could be told from (several providers,
 * unknown sender) is shown to administrators of every provider.
 */

/** The staff member's share of inbound mail. */
export function visibleTo(actor: TStaffActor): SQL {
  const own = eq(inboundMessages.providerId, actor.providerId);
  return actor.role === 'admin' ? or(own, isNull(inboundMessages.providerId))! : own;
}

export async function loadInboundForStaff(ctx: ServiceContext, id: number): Promise<TInboundMessage> {
  const actor = requireStaff(ctx.actor);
  const row = (await ctx.db.select().from(inboundMessages).where(and(eq(inboundMessages.id, id), visibleTo(actor))))[0];
  if (!row) throw new AppError('NOT_FOUND', 'Message not found.');
  return row;
}

const STATUSES: Record<string, TInboundStatus[]> = { open: ['unmatched', 'failed'], discarded: ['discarded'], processed: ['processed'], all: ['unmatched', 'failed', 'discarded', 'processed', 'pending'] };

export async function listInboundMail(ctx: ServiceContext, input: unknown) {
  const actor = requireStaff(ctx.actor);
  const data = ZListInboundInput.parse(input);
  const rows = (await ctx.db
    .select({
      id: inboundMessages.id,
      status: inboundMessages.status,
      fromAddress: inboundMessages.fromAddress,
      fromName: inboundMessages.fromName,
      subject: inboundMessages.subject,
      receivedAt: inboundMessages.receivedAt,
      flags: inboundMessages.flags,
      error: inboundMessages.error,
      ticketId: inboundMessages.ticketId,
    })
    .from(inboundMessages)
    .where(and(visibleTo(actor), inArray(inboundMessages.status, STATUSES[data.status]!), data.before ? lt(inboundMessages.id, data.before) : undefined))
    .orderBy(desc(inboundMessages.id))
    .limit(data.limit + 1));
  const items = rows.slice(0, data.limit).map((r) => ({ ...r, receivedAt: r.receivedAt.getTime() }));
  return { items, nextBefore: rows.length > data.limit ? items.at(-1)!.id : null };
}

/** A message in full, for the Unmatched mail page and "Show original" on a ticket. */
export async function viewInboundMail(ctx: ServiceContext, input: unknown) {
  const { inboundMessageId } = ZInboundIdInput.parse(input);
  const row = await loadInboundForStaff(ctx, inboundMessageId);
  const raw = await readRawMessage(ctx.settings, row).catch(() => null);
  const mail = raw ? await parseMail(raw).catch(() => null) : null;
  // Inline images the intake stored are shown from the ticket's attachments.
  const cidUrls = new Map<string, string>();
  if (mail && row.ticketId) {
    const inline = mail.attachments.filter((a) => a.cid).map((a) => ({ cid: a.cid!, sha: createHash('sha256').update(a.content).digest('hex') }));
    const stored = inline.length
      ? (await ctx.db.select().from(attachments).where(and(eq(attachments.ticketId, row.ticketId), inArray(attachments.sha256, inline.map((i) => i.sha)))))
      : [];
    for (const i of inline) {
      const a = stored.find((s) => s.sha256 === i.sha);
      if (a) cidUrls.set(i.cid, `/attachments/${a.id}/${encodeURIComponent(a.filename)}`);
    }
  }
  const ticket = row.ticketId ? (await ctx.db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, row.ticketId)))[0] : undefined;
  return {
    id: row.id,
    status: row.status,
    flags: row.flags,
    error: row.error,
    matchedBy: row.matchedBy,
    fromAddress: row.fromAddress ?? mail?.from?.address ?? null,
    fromName: row.fromName ?? mail?.from?.name ?? null,
    subject: row.subject ?? mail?.subject ?? null,
    to: mail ? headerText(mail, 'to') : null,
    cc: mail ? headerText(mail, 'cc') : null,
    date: mail?.date?.getTime() ?? null,
    receivedAt: row.receivedAt.getTime(),
    envelopeTo: row.envelopeTo,
    size: row.size,
    ticketId: row.ticketId,
    ticketNumber: ticket?.number ?? null,
    commentId: row.commentId,
    readable: !!mail,
    /** What the portal keeps as the reply (the trimmed text). */
    reply: mail ? replyContent(mail, 'reply').body : null,
    text: mail?.text ?? null,
    html: mail?.html ? (await loadSanitizer()).sanitizeMailHtml(mail.html, cidUrls) : null,
    attachments: (mail?.attachments ?? []).map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size, inline: !!a.related })),
    emlUrl: `/inbound-mail/${row.id}.eml`,
    /** SPF, DKIM, DMARC and ARC as found, and whether they vouch for the From. */
    sender: await senderVerdict(ctx.db, { ...row, fromAddress: row.fromAddress ?? mail?.from?.address ?? null }),
  };
}
export type TInboundView = Awaited<ReturnType<typeof viewInboundMail>>;

/** Comments (and the description, commentId null) of a ticket that came by mail, with their flags. */
export async function ticketMailOrigins(ctx: ServiceContext, input: unknown) {
  const actor = requireStaff(ctx.actor);
  const { ticketId } = ZTicketIdInput.parse(input);
  const ticket = (await ctx.db.select({ providerId: tickets.providerId }).from(tickets).where(eq(tickets.id, ticketId)))[0];
  if (!ticket || ticket.providerId !== actor.providerId) throw new AppError('NOT_FOUND', 'Ticket not found.');
  const comments = (await ctx.db
    .select({ commentId: ticketComments.id, inboundMessageId: ticketComments.inboundMessageId, flags: ticketComments.flags, sender: inboundMessages.senderAuth })
    .from(ticketComments)
    .leftJoin(inboundMessages, eq(inboundMessages.id, ticketComments.inboundMessageId))
    .where(and(eq(ticketComments.ticketId, ticketId), isNotNull(ticketComments.inboundMessageId)))
    .orderBy(asc(ticketComments.id)));
  const description = (await ctx.db
    .select({ inboundMessageId: inboundMessages.id, flags: inboundMessages.flags, sender: inboundMessages.senderAuth })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.ticketId, ticketId), isNull(inboundMessages.commentId), eq(inboundMessages.status, 'processed'), ne(inboundMessages.matchedBy, 'bounce')))
    .orderBy(asc(inboundMessages.id))
    .limit(1))[0];
  // The verdict in one line beside each part (the whole of it is in the original's view).
  const part = ({ sender, ...p }: { sender: TSenderAuth | null; inboundMessageId: number | null; flags: TMailFlag[] }) => ({ ...p, inboundMessageId: p.inboundMessageId!, senderSummary: sender?.summary ?? null });
  return [...(description ? [{ commentId: null, ...part(description) }] : []), ...comments.map((c) => ({ commentId: c.commentId, ...part(c) }))];
}

/** Where the bytes of a message the staff member may see are (the .eml download). */
export async function inboundRawFile(ctx: ServiceContext, id: number): Promise<{ path: string; start: number; size: number }> {
  return rawRange(ctx.settings, await loadInboundForStaff(ctx, id));
}
