import type { TInboundMessage } from '../../db/schema/inbound-mail';
import { AppError, isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { bounceTicket, recordBounce } from './bounces';
import { automaticReason, bounceReport } from './classify';
import { DeferredBus } from './deferred-bus';
import type { TReceivedFile } from '../attachments/store';
import type { TRecipient } from './addresses';
import { discardMailFiles, receiveMailFiles, type TMailFiles } from './mail-attachments';
import { matchMessage, recipientsOf, type TMatch } from './match-message';
import type { TMailParser, TParsedMail } from './mail-parser';
import type { TMail } from './parse-message';
import { senderActor } from './participants';
import { postAsSender, startTicketAsSender } from './post-reply';
import type { TReplyContents } from './reply-content';
import { addMailNote } from './staff-note';
import { intakeQueries } from './queries';
import { readRawMessage } from './raw-files';
import { inboundTopic } from './topics';

export type TOutcome = Partial<Pick<TInboundMessage, 'providerId' | 'ticketId' | 'commentId' | 'matchedBy' | 'error'>> & {
  status: 'processed' | 'unmatched' | 'failed' | 'discarded';
  flags: string[];
};

const NO_FILES: TMailFiles = { files: [], refused: [] };

export const senderLabel = (from: TMail['from']) => (from ? (from.name ? `${from.name} <${from.address}>` : from.address) : 'Unknown sender');

/** What the intake worker knows of a queued message: its row and bytes when it was accepted by this process. */
export interface TQueuedInbound {
  id: number;
  row?: TInboundMessage;
  raw?: Buffer;
  /** Its recipients as resolved when they were accepted (RCPT TO). */
  recipients?: TRecipient[];
}

/** A message read and understood, to be committed: `work` calls the services inside the commit. */
export interface TPreparedInbound {
  row: TInboundMessage;
  mail: TMail | null;
  work: (ctx: ServiceContext) => TOutcome;
  /** Files received for it, discarded if the work fails. */
  files: readonly TReceivedFile[];
  /** Where a failure is listed (default: the row's provider). */
  failedProviderId?: number | null;
}

const failed = (err: unknown, providerId?: number | null): TOutcome => ({ status: 'failed', error: isAppError(err) ? err.message : 'Processing failed.', flags: [], providerId });

/**
 * Inside a transaction: `work` (service calls) and the message row's update. The staff list
 * hears of every change but the common one (pending to processed by intake).
 */
function applyOutcome(ctx: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => TOutcome): TOutcome {
  const q = intakeQueries(ctx.db);
  // Processed once: a message that left "pending" meanwhile is not processed again.
  if (row.status === 'pending' && q.inboundStatus.get({ id: row.id })?.status !== 'pending') {
    throw new AppError('CONFLICT', 'This message was processed already.');
  }
  const o = work(ctx);
  q.finishInbound.run({
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
    processedAt: ctx.clock.now(),
  });
  if (o.status !== 'processed' || row.status !== 'pending') unitOfWork(ctx, (_tx, emit) => emit(inboundTopic(o.providerId ?? null), 'inbound.changed', { id: row.id, status: o.status }));
  return o;
}

/**
 * Runs `work` (service calls) and the message row's update in one transaction; the
 * services' events are held until it commits.
 */
export function commitInbound(base: ServiceContext, row: TInboundMessage, mail: TMail | null, work: (ctx: ServiceContext) => TOutcome): TOutcome {
  const bus = new DeferredBus();
  const outcome = base.db.transaction(() => applyOutcome({ ...base, bus }, row, mail, work));
  bus.flushTo(base.bus);
  return outcome;
}

/**
 * Commits prepared messages in one transaction (one commit, not one each), each in a
 * savepoint of its own: a message whose work fails is rolled back alone and recorded as
 * failed, and only the events of what stays are published, after the commit. Idempotent:
 * only a pending message is processed, and its row leaves "pending" in the same
 * transaction as the comment or ticket it caused.
 */
export function commitPrepared(base: ServiceContext, list: readonly TPreparedInbound[]): void {
  const kept: DeferredBus[] = [];
  const discard: TReceivedFile[] = [];
  base.db.transaction(() => {
    for (const p of list) {
      const bus = new DeferredBus();
      try {
        base.db.transaction(() => applyOutcome({ ...base, bus }, p.row, p.mail, p.work));
        kept.push(bus);
        continue;
      } catch (err) {
        // SQLite itself ended the transaction (disk full, I/O): the whole batch fails.
        if (!base.db.$client.inTransaction) throw err;
        discard.push(...p.files);
        if (intakeQueries(base.db).inboundStatus.get({ id: p.row.id })?.status !== 'pending') continue;
        // Whatever went wrong, the message lands in the staff list rather than staying pending.
        base.log.error({ err, inboundId: p.row.id }, 'inbound message could not be processed');
        const failBus = new DeferredBus();
        base.db.transaction(() => applyOutcome({ ...base, bus: failBus }, p.row, p.mail, () => failed(err, p.failedProviderId)));
        kept.push(failBus);
      }
    }
  });
  for (const bus of kept) bus.flushTo(base.bus);
  if (discard.length) void discardMailFiles(discard).catch(() => {});
}

/**
 * Turns one accepted message into what it will mean once committed: a reply, a new ticket,
 * a flagged note, a recorded bounce, or an entry in the staff's unmatched list. Null when
 * it is no longer pending.
 */
export async function prepareInbound(base: ServiceContext, parser: TMailParser, queued: TQueuedInbound): Promise<TPreparedInbound | null> {
  const row = queued.row ?? intakeQueries(base.db).inboundById.get({ id: queued.id });
  if (!row || row.status !== 'pending') return null;
  let parsed: TParsedMail;
  try {
    parsed = await parser.parse(queued.raw ?? (await readRawMessage(base.settings, row)));
  } catch (err) {
    base.log.error({ err, inboundId: row.id }, 'inbound message could not be read');
    return { row, mail: null, files: [], work: () => ({ status: 'failed', error: 'The message could not be read.', flags: [] }) };
  }
  const { mail, contents } = parsed;
  try {
    return await prepareParsed(base, row, mail, contents, queued.recipients ?? recipientsOf(base, row.envelopeTo));
  } catch (err) {
    base.log.error({ err, inboundId: row.id }, 'inbound message could not be processed');
    return { row, mail, files: [], work: () => failed(err) };
  }
}

async function prepareParsed(base: ServiceContext, row: TInboundMessage, mail: TMail, contents: TReplyContents, recipients: TRecipient[]): Promise<TPreparedInbound> {
  const report = bounceReport(mail);
  const verp = recipients.find((r) => r.kind === 'bounce');
  const outboxId = verp?.kind === 'bounce' ? verp.outboxId : null;
  if (report || (verp && recipients.every((r) => r.kind === 'bounce'))) {
    return { row, mail, files: [], work: (ctx) => bounceOutcome(ctx, row, mail, report, outboxId) };
  }

  const automatic = automaticReason(mail, row.envelopeFrom, base.settings);
  const match = matchMessage(base, recipients, mail);
  const content = contents[match.kind === 'new_ticket' ? 'new' : 'reply'];
  const wantsFiles = match.kind === 'ticket' || (match.kind === 'new_ticket' && !automatic);
  const files = wantsFiles ? await receiveMailFiles(base, mail.attachments, new Set(content.cids)) : NO_FILES;
  const refused = files.refused.length ? `\n\n[Not attached: ${files.refused.join('; ')}. The original email keeps every file.]` : '';
  const body = `${content.body}${refused}`.trim() || '(This email had no text.)';
  const fileFlags = files.refused.length ? ['attachment_refused'] : [];
  return {
    row,
    mail,
    files: files.files,
    failedProviderId: match.kind === 'ticket' ? match.ticket.providerId : match.providerId,
    work: (ctx) => outcomeFor(ctx, row, mail, match, automatic, body, files, fileFlags),
  };
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
