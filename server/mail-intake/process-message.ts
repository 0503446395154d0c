import { readFile } from 'node:fs/promises';
import type { TInboundMessage } from '../../db/schema/inbound-mail';
import { AppError, isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { bounceTicket, recordBounce } from './bounces';
import { automaticReason, bounceReport } from './classify';
import { DeferredBus } from './deferred-bus';
import { discardMailFiles, receiveMailFiles, type TMailFiles } from './mail-attachments';
import { matchMessage, recipientsOf, type TMatch } from './match-message';
import { parseMail, type TMail } from './parse-message';
import { senderActor } from './participants';
import { postAsSender, startTicketAsSender } from './post-reply';
import { replyContent } from './reply-content';
import { addMailNote } from './staff-note';
import { intakeQueries } from './queries';
import { rawFilePath } from './store-inbound';
import { inboundTopic } from './topics';

export type TOutcome = Partial<Pick<TInboundMessage, 'providerId' | 'ticketId' | 'commentId' | 'matchedBy' | 'error'>> & {
  status: 'processed' | 'unmatched' | 'failed' | 'discarded';
  flags: string[];
};

const NO_FILES: TMailFiles = { files: [], refused: [] };

export const senderLabel = (from: TMail['from']) => (from ? (from.name ? `${from.name} <${from.address}>` : from.address) : 'Unknown sender');

/**
 * Runs `work` (service calls) and the message row's update in one transaction; the
 * services' events are held until it commits. The staff list hears of every change but
 * the common one (pending to processed by intake).
 */
export function commitInbound(base: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => TOutcome): TOutcome {
  const bus = new DeferredBus();
  const ctx: ServiceContext = { ...base, bus };
  const outcome = base.db.transaction(() => {
    // Processed once: a message that left "pending" meanwhile is not processed again.
    if (row.status === 'pending' && intakeQueries(base.db).inboundById.get({ id: row.id })?.status !== 'pending') {
      throw new AppError('CONFLICT', 'This message was processed already.');
    }
    const o = work(ctx);
    intakeQueries(base.db).finishInbound.run({
      id: row.id,
      status: o.status,
      providerId: o.providerId ?? row.providerId,
      ticketId: o.ticketId ?? null,
      commentId: o.commentId ?? null,
      matchedBy: o.matchedBy ?? null,
      flags: o.flags,
      error: o.error ?? null,
      fromAddress: mail ? (mail.from?.address ?? null) : row.fromAddress,
      fromName: mail ? mail.from?.name || null : row.fromName,
      subject: mail ? mail.subject.slice(0, 500) : row.subject,
      processedAt: base.clock.now(),
    });
    if (o.status !== 'processed' || row.status !== 'pending') unitOfWork(ctx, (_tx, emit) => emit(inboundTopic(o.providerId ?? null), 'inbound.changed', { id: row.id, status: o.status }));
    return o;
  });
  bus.flushTo(base.bus);
  return outcome;
}

/**
 * Turns one accepted message into what it means: a reply, a new ticket, a flagged note, a
 * recorded bounce, or an entry in the staff's unmatched list. Idempotent: only a pending
 * message is processed, and its row leaves "pending" in the same transaction as the
 * comment or ticket it caused.
 */
export async function processInbound(base: ServiceContext, id: number): Promise<TOutcome['status'] | 'skipped'> {
  const row = intakeQueries(base.db).inboundById.get({ id });
  if (!row || row.status !== 'pending') return 'skipped';
  let mail: TMail;
  try {
    mail = await parseMail(await readFile(rawFilePath(base.settings, row.rawPath)));
  } catch (err) {
    base.log.error({ err, inboundId: id }, 'inbound message could not be read');
    return commitInbound(base, row, null, () => ({ status: 'failed', error: 'The message could not be read.', flags: [] })).status;
  }
  try {
    return await processParsed(base, row, mail);
  } catch (err) {
    // Whatever went wrong, the message lands in the staff list rather than staying pending.
    base.log.error({ err, inboundId: id }, 'inbound message could not be processed');
    const still = intakeQueries(base.db).inboundById.get({ id });
    if (still?.status !== 'pending') return 'skipped';
    return commitInbound(base, row, mail, () => ({ status: 'failed', error: isAppError(err) ? err.message : 'Processing failed.', flags: [] })).status;
  }
}

async function processParsed(base: ServiceContext, row: TInboundMessage, mail: TMail): Promise<TOutcome['status']> {
  const recipients = recipientsOf(base, row.envelopeTo);
  const report = bounceReport(mail);
  const verp = recipients.find((r) => r.kind === 'bounce');
  const outboxId = verp?.kind === 'bounce' ? verp.outboxId : null;
  if (report || (verp && recipients.every((r) => r.kind === 'bounce'))) {
    return commitInbound(base, row, mail, (ctx) => bounceOutcome(ctx, row, mail, report, outboxId)).status;
  }

  const automatic = automaticReason(mail, row.envelopeFrom, base.settings);
  const match = matchMessage(base, recipients, mail);
  const content = replyContent(mail, match.kind === 'new_ticket' ? 'new' : 'reply');
  const wantsFiles = match.kind === 'ticket' || (match.kind === 'new_ticket' && !automatic);
  const files = wantsFiles ? await receiveMailFiles(base, mail.attachments, new Set(content.cids)) : NO_FILES;
  const refused = files.refused.length ? `\n\n[Not attached: ${files.refused.join('; ')}. The original email keeps every file.]` : '';
  const body = `${content.body}${refused}`.trim() || '(This email had no text.)';
  const fileFlags = files.refused.length ? ['attachment_refused'] : [];
  try {
    return commitInbound(base, row, mail, (ctx) => outcomeFor(ctx, row, mail, match, automatic, body, files, fileFlags)).status;
  } catch (err) {
    await discardMailFiles(files.files);
    const providerId = match.kind === 'ticket' ? match.ticket.providerId : match.providerId;
    base.log.error({ err, inboundId: row.id }, 'inbound message could not be processed');
    return commitInbound(base, row, mail, () => ({ status: 'failed', error: isAppError(err) ? err.message : 'Processing failed.', flags: [], providerId })).status;
  }
}

function bounceOutcome(ctx: ServiceContext, row: TInboundMessage, mail: TMail, report: ReturnType<typeof bounceReport>, outboxId: number | null): TOutcome {
  const ticket = bounceTicket(ctx, report, outboxId, mail);
  // Mail to a bounce address that is no delivery report: an auto-reply to the envelope sender.
  if (!report) return { status: 'processed', flags: ['automatic'], matchedBy: 'bounce', ticketId: ticket?.id ?? null, providerId: ticket?.providerId ?? null };
  const failed = recordBounce(ctx, report, outboxId);
  let commentId: number | null = null;
  if (ticket) {
    const body = `[Delivery failed: ${failed.map((f) => `${f.email} (${f.reason})`).join('; ') || 'the report names no recipient'}]`;
    const note = { ticketId: ticket.id, providerId: ticket.providerId, body, authorName: senderLabel(mail.from), authorUserId: null };
    commentId = addMailNote(ctx, { ...note, flags: ['automatic', 'bounce'], inboundMessageId: row.id, files: [], bump: false }).id;
  }
  return { status: 'processed', flags: ['bounce'], matchedBy: 'bounce', ticketId: ticket?.id ?? null, commentId, providerId: ticket?.providerId ?? null };
}

function outcomeFor(
  ctx: ServiceContext,
  row: TInboundMessage,
  mail: TMail,
  match: TMatch,
  automatic: string | null,
  body: string,
  files: TMailFiles,
  fileFlags: string[],
): TOutcome {
  if (match.kind === 'unmatched' || (match.kind === 'new_ticket' && automatic)) {
    // Automatic mail never starts a ticket: two auto-responders would talk forever.
    const error = automatic ? `Automatic message (${automatic}).` : match.kind === 'unmatched' ? match.reason : null;
    return { status: 'unmatched', providerId: match.providerId, flags: automatic ? ['automatic'] : [], error };
  }
  if (match.kind === 'new_ticket') {
    const started = startTicketAsSender(ctx, match, mail, body, files.files);
    return { status: 'processed', providerId: match.providerId, ticketId: started.ticketId, matchedBy: 'support_address', flags: [...started.flags, ...fileFlags] };
  }
  const { ticket } = match;
  const from = mail.from?.address ?? null;
  const note = (flags: string[], lead: string, bump: boolean): TOutcome => {
    const authorUserId = from ? (intakeQueries(ctx.db).userByEmail.get({ email: from })?.id ?? null) : null;
    const c = addMailNote(ctx, {
      ticketId: ticket.id,
      providerId: ticket.providerId,
      body: `[${lead}]\n\n${body}`,
      authorName: senderLabel(mail.from),
      authorUserId,
      flags: [...flags, ...fileFlags],
      inboundMessageId: row.id,
      files: files.files,
      bump,
    });
    return { status: 'processed', providerId: ticket.providerId, matchedBy: match.by, ticketId: ticket.id, commentId: c.id, flags: [...flags, ...fileFlags] };
  };
  if (automatic) return note(['automatic'], `Automatic message (${automatic}): not shown to the client, ticket not reopened`, false);
  const actor = match.senderOk && from ? senderActor(ctx.db, ticket, from) : null;
  const posted = actor && postAsSender(withActor(ctx, actor), ticket.id, body, files.files, row.id, fileFlags);
  if (!posted) {
    const who = from ?? 'an unknown address';
    const why = match.senderOk ? `${who} has no portal account that may reply here` : `${who} is not on this ticket`;
    return note(['sender_mismatch'], `Sender mismatch: ${why}. Kept as an internal note, not shown to the client`, true);
  }
  return { status: 'processed', providerId: ticket.providerId, matchedBy: match.by, ticketId: posted.ticketId, commentId: posted.commentId, flags: [...posted.flags, ...fileFlags] };
}
