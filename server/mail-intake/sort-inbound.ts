import { and, eq } from 'drizzle-orm';
import { inboundMessages, type TInboundMessage } from '../../db/schema/inbound-mail';
import { tickets } from '../../db/schema/tickets';
import { claimAttachments } from '../attachments/claim-attachments';
import { recordReceivedFiles } from '../attachments/store';
import { AppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { createTicket } from '../tickets/create-ticket';
import { loadInboundForStaff } from './inbound-view';
import { discardMailFiles, receiveMailFiles } from './mail-attachments';
import { parseMail, type TMail } from './parse-message';
import { senderActor } from './participants';
import { postAsSender } from './post-reply';
import { commitInbound, type TOutcome } from './commit-inbound';
import { senderLabel } from './process-message';
import { replyContent } from './reply-content';
import { ZAttachInboundInput, ZInboundIdInput, ZTicketFromInboundInput } from './schemas';
import { addMailNote } from '../tickets/add-mail-note';
import { readRawMessage } from './raw-files';

/*
 * Staff sort the Unmatched mail list: attach a message to a ticket, raise a ticket from
 * it, or discard it. Each works once: a message someone else sorted meanwhile is refused.
 */

const PER_CALL = 10;

async function openRow(ctx: ServiceContext, id: number): Promise<TInboundMessage> {
  const row = await loadInboundForStaff(ctx, id);
  if (row.status !== 'unmatched' && row.status !== 'failed') throw new AppError('CONFLICT', 'This message has already been sorted.');
  return row;
}

/** Inside the transaction: the row must still be open (two staff members, one message). */
async function stillOpen(ctx: ServiceContext, id: number): Promise<void> {
  const now = (await ctx.db.select({ status: inboundMessages.status }).from(inboundMessages).where(eq(inboundMessages.id, id)))[0];
  if (now?.status !== 'unmatched' && now?.status !== 'failed') throw new AppError('CONFLICT', 'This message has already been sorted.');
}

async function readMail(ctx: ServiceContext, row: TInboundMessage): Promise<TMail> {
  try {
    return await parseMail(await readRawMessage(ctx.settings, row));
  } catch {
    throw new AppError('CONFLICT', 'The stored message cannot be read; download the .eml instead.');
  }
}

/**
 * Adds the message to ticket #N of the staff member's provider: as the sender's public
 * reply when the sender is a contact of the ticket's company, otherwise as an internal note.
 */
export async function attachInboundToTicket(ctx: ServiceContext, input: unknown): Promise<{ ticketId: number; commentId: number | null }> {
  const staff = requireStaff(ctx.actor);
  const data = ZAttachInboundInput.parse(input);
  const row = await openRow(ctx, data.inboundMessageId);
  const ticket = (await ctx.db.select().from(tickets).where(and(eq(tickets.providerId, staff.providerId), eq(tickets.number, data.ticketNumber))))[0];
  if (!ticket) throw new AppError('NOT_FOUND', `There is no ticket #${data.ticketNumber}.`, { field: 'ticketNumber' });
  const mail = await readMail(ctx, row);
  const content = replyContent(mail, 'reply');
  const files = await receiveMailFiles(ctx, mail.attachments, new Set(content.cids), new Set(mail.htmlCids));
  try {
    const o = await commitInbound(ctx, row, mail, async (c): Promise<TOutcome> => {
      await stillOpen(c, row.id);
      const sender = mail.from ? await senderActor(c.db, ticket, mail.from.address) : null;
      const base = { status: 'processed' as const, providerId: ticket.providerId, matchedBy: 'staff' };
      const posted = sender?.kind === 'contact' ? await postAsSender(withActor(c, sender), ticket.id, content.body, files.files, row.id, ['attached_by_staff']) : null;
      if (posted) return { ...base, ticketId: posted.ticketId, commentId: posted.commentId, flags: ['attached_by_staff', ...posted.flags] };
      const note = await addMailNote(c, {
        ticketId: ticket.id,
        providerId: ticket.providerId,
        body: `[Attached by ${staff.name} from the unmatched mail]\n\n${content.body}`,
        authorName: senderLabel(mail.from),
        authorUserId: null,
        flags: ['attached_by_staff'],
        inboundMessageId: row.id,
        files: files.files,
        bump: true,
      });
      return { ...base, ticketId: ticket.id, commentId: note.id, flags: ['attached_by_staff'] };
    });
    return { ticketId: o.ticketId!, commentId: o.commentId ?? null };
  } catch (err) {
    await discardMailFiles(files.files);
    throw err;
  }
}

/** Raises a ticket from the message for a company of the provider (and optionally one of its contacts). */
export async function ticketFromInbound(ctx: ServiceContext, input: unknown): Promise<{ ticketId: number; number: number }> {
  const staff = requireStaff(ctx.actor);
  const data = ZTicketFromInboundInput.parse(input);
  const row = await openRow(ctx, data.inboundMessageId);
  const mail = await readMail(ctx, row);
  const content = replyContent(mail, 'new');
  const files = await receiveMailFiles(ctx, mail.attachments, new Set(content.cids), new Set(mail.htmlCids));
  try {
    let created = { id: 0, number: 0 };
    await commitInbound(ctx, row, mail, async (c): Promise<TOutcome> => {
      await stillOpen(c, row.id);
      const ids = await c.db.transaction(async (tx) => (await recordReceivedFiles(tx, c, files.files, { providerId: staff.providerId, uploaderUserId: staff.userId }, null)).map((a) => a.id));
      const subject = mail.subject.replace(/^\s*((re|aw|sv)\s*:\s*)+/i, '').trim().slice(0, 200) || '(no subject)';
      const t = await createTicket(c, { subject, description: content.body, companyId: data.companyId, requesterContactId: data.requesterContactId, attachmentIds: ids.slice(0, PER_CALL) }, 'email');
      if (ids.length > PER_CALL) await c.db.transaction(async (tx) => await claimAttachments(tx, ids.slice(PER_CALL), { uploaderUserId: staff.userId, providerId: staff.providerId }, { ticketId: t.id, commentId: null }));
      created = { id: t.id, number: t.number };
      return { status: 'processed', providerId: t.providerId, ticketId: t.id, commentId: null, matchedBy: 'staff', flags: ['created_by_staff'] };
    });
    return { ticketId: created.id, number: created.number };
  } catch (err) {
    await discardMailFiles(files.files);
    throw err;
  }
}

export async function discardInbound(ctx: ServiceContext, input: unknown): Promise<{ ok: true }> {
  requireStaff(ctx.actor);
  const { inboundMessageId } = ZInboundIdInput.parse(input);
  const row = await openRow(ctx, inboundMessageId);
  await commitInbound(ctx, row, null, async (c) => {
    await stillOpen(c, row.id);
    return { status: 'discarded', providerId: row.providerId, flags: row.flags };
  });
  return { ok: true };
}
