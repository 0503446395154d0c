import type { TInboundMessage } from '../../db/schema/inbound-mail';
import { withActor, type ServiceContext } from '../core/context';
import { bounceTicket, recordBounce } from './bounces';
import { automaticReason, bounceReport, plainBounceReport, spamVerdict } from './classify';
import type { TRecipient } from './addresses';
import { failed, type TOutcome, type TPreparedInbound } from './commit-inbound';
import { receiveMailFiles, type TMailFiles } from './mail-attachments';
import { matchMessage, recipientsOf, type TMatch } from './match-message';
import type { TMailParser, TParsedMail } from './mail-parser';
import type { TMail } from './parse-message';
import { senderActor } from './participants';
import { postAsSender, startTicketAsSender } from './post-reply';
import type { TReplyContents } from './reply-content';
import { addMailNote } from '../tickets/add-mail-note';
import { intakeQueries } from './queries';
import { readRawMessage } from './raw-files';
import { UNVERIFIED_SENDER } from '../tickets/release-mail-note';
import { checkSender, needsSenderTrust, unverifiedReason, type TSenderCheckRun } from './sender-check';
import type { TSenderAuthenticator } from './sender-auth';
import { judgeSender, senderPolicy, type TSenderCheck } from './sender-trust';
import type { TMailFlag } from './outcomes';

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

/**
 * Turns one accepted message into what it will mean once committed: a reply, a new ticket,
 * a flagged note, a recorded bounce, or an entry in the staff's unmatched list. Null when
 * it is no longer pending. `auth` authenticates the sender (without it: no DNS, nothing checked).
 */
export async function prepareInbound(base: ServiceContext, parser: TMailParser, queued: TQueuedInbound, auth?: TSenderAuthenticator): Promise<TPreparedInbound | null> {
  const row = queued.row ?? await intakeQueries(base.db).inboundById.get({ id: queued.id });
  if (!row || row.status !== 'pending') return null;
  let parsed: TParsedMail;
  let raw: Buffer;
  try {
    raw = queued.raw ?? (await readRawMessage(base.settings, row));
    parsed = await parser.parse(raw);
  } catch (err) {
    base.log.error({ err, inboundId: row.id }, 'inbound message could not be read');
    return { row, mail: null, files: [], work: () => ({ status: 'failed', problem: 'unreadable', flags: [] }) };
  }
  const { mail, contents } = parsed;
  try {
    return await prepareParsed(base, row, mail, contents, queued.recipients ?? await recipientsOf(base, row.envelopeTo), () => checkSender(base, auth, row, raw));
  } catch (err) {
    base.log.error({ err, inboundId: row.id }, 'inbound message could not be processed');
    return { row, mail, files: [], work: () => failed(err) };
  }
}

async function prepareParsed(
  base: ServiceContext,
  row: TInboundMessage,
  mail: TMail,
  contents: TReplyContents,
  recipients: TRecipient[],
  startSenderCheck: () => TSenderCheckRun,
): Promise<TPreparedInbound> {
  const report = bounceReport(mail) ?? plainBounceReport(mail, row.envelopeFrom, base.settings);
  const verp = recipients.find((r) => r.kind === 'bounce');
  const outboxId = verp?.kind === 'bounce' ? verp.outboxId : null;
  if (report || (verp && recipients.every((r) => r.kind === 'bounce'))) {
    return { row, mail, files: [], work: async (ctx) => await bounceOutcome(ctx, row, mail, report, outboxId) };
  }

  const automatic = automaticReason(mail, row.envelopeFrom, base.settings);
  const match = await matchMessage(base, recipients, mail);
  const spam = spamVerdict(mail);
  if (spam) {
    // Kept for staff to look at; no ticket, no comment, no mail.
    const providerId = match.kind === 'ticket' ? match.ticket.providerId : match.providerId;
    return { row, mail, files: [], work: () => ({ status: 'unmatched', providerId, flags: ['spam'], problem: 'spam', detail: spam }) };
  }
  // Mail matched only by its From waits for the verdict; a reply by token does not.
  const senderCheck = startSenderCheck();
  const trust = needsSenderTrust(match, automatic)
    ? judgeSender(await senderCheck.verdict, await senderPolicy(base.db, match.kind === 'ticket' ? match.ticket.providerId : match.providerId), mail.from?.address ?? null)
    : null;
  const content = contents[match.kind === 'new_ticket' ? 'new' : 'reply'];
  const wantsFiles = match.kind === 'ticket' || (match.kind === 'new_ticket' && !automatic);
  const files = wantsFiles ? await receiveMailFiles(base, mail.attachments, new Set(content.cids), new Set(mail.htmlCids)) : NO_FILES;
  const refused = files.refused.length ? `\n\n[Not attached: ${files.refused.join('; ')}. The original email keeps every file.]` : '';
  const body = `${content.body}${refused}`.trim() || '(This email had no text.)';
  const fileFlags: TMailFlag[] = files.refused.length ? ['attachment_refused'] : [];
  return {
    row,
    mail,
    files: files.files,
    failedProviderId: match.kind === 'ticket' ? match.ticket.providerId : match.providerId,
    work: async (ctx) => senderCheck.record(await outcomeFor(ctx, row, mail, match, automatic, body, files, fileFlags, trust)),
    afterCommit: senderCheck.afterCommit,
  };
}

async function bounceOutcome(ctx: ServiceContext, row: TInboundMessage, mail: TMail, report: Awaited<ReturnType<typeof bounceReport>>, outboxId: number | null): Promise<TOutcome> {
  const ticket = await bounceTicket(ctx, report, outboxId, mail);
  // Mail to a bounce address that is no delivery report: an auto-reply to the envelope sender.
  if (!report) return { status: 'processed', flags: ['automatic'], matchedBy: 'bounce', ticketId: ticket?.id ?? null, providerId: ticket?.providerId ?? null };
  const failed = await recordBounce(ctx, report, outboxId);
  let commentId: number | null = null;
  if (ticket) {
    const body = `[Delivery failed: ${failed.map((f) => `${f.email} (${f.reason})`).join('; ') || 'the report names no recipient'}]`;
    const note = { ticketId: ticket.id, providerId: ticket.providerId, body, authorName: senderLabel(mail.from), authorUserId: null };
    commentId = (await addMailNote(ctx, { ...note, flags: ['automatic', 'bounce'], inboundMessageId: row.id, files: [], bump: false })).id;
  }
  return { status: 'processed', flags: ['bounce'], matchedBy: 'bounce', ticketId: ticket?.id ?? null, commentId, providerId: ticket?.providerId ?? null };
}

async function outcomeFor(
  ctx: ServiceContext,
  row: TInboundMessage,
  mail: TMail,
  match: TMatch,
  automatic: string | null,
  body: string,
  files: TMailFiles,
  fileFlags: TMailFlag[],
  trust: TSenderCheck | null,
): Promise<TOutcome> {
  if (match.kind === 'unmatched' || (match.kind === 'new_ticket' && automatic)) {
    // Automatic mail never starts a ticket: two auto-responders would talk forever.
    if (automatic) return { status: 'unmatched', providerId: match.providerId, flags: ['automatic'], problem: 'automatic', detail: automatic };
    return { status: 'unmatched', providerId: match.providerId, flags: [], problem: match.kind === 'unmatched' ? match.reason : 'no_ticket' };
  }
  if (match.kind === 'new_ticket') {
    // Never a ticket in a contact's name on the word of a From header alone: staff decide.
    if (trust && !trust.verified) return { status: 'unmatched', providerId: match.providerId, flags: [UNVERIFIED_SENDER], problem: 'unverified_sender', detail: unverifiedReason(trust) };
    const started = await startTicketAsSender(ctx, match, mail, body, files.files);
    return { status: 'processed', providerId: match.providerId, ticketId: started.ticketId, matchedBy: 'support_address', flags: [...started.flags, ...fileFlags] };
  }
  const { ticket } = match;
  const from = mail.from?.address ?? null;
  const note = async (flags: TMailFlag[], lead: string | null, bump: boolean): Promise<TOutcome> => {
    const authorUserId = from ? ((await intakeQueries(ctx.db).userByEmail.get({ email: from }))?.id ?? null) : null;
    const c = await addMailNote(ctx, {
      ticketId: ticket.id,
      providerId: ticket.providerId,
      body: lead ? `[${lead}]\n\n${body}` : body,
      authorName: senderLabel(mail.from),
      authorUserId,
      flags: [...flags, ...fileFlags],
      inboundMessageId: row.id,
      files: files.files,
      bump,
    });
    return { status: 'processed', providerId: ticket.providerId, matchedBy: match.by, ticketId: ticket.id, commentId: c.id, flags: [...flags, ...fileFlags] };
  };
  if (automatic) return await note(['automatic'], `Automatic message (${automatic}): not shown to the client, ticket not reopened`, false);
  // Held as it came (no lead), so that releasing it makes it exactly the reply it would have been.
  if (trust && !trust.verified && match.senderOk) return await note([UNVERIFIED_SENDER], null, true);
  const actor = match.senderOk && from ? await senderActor(ctx.db, ticket, from) : null;
  const posted = actor && await postAsSender(withActor(ctx, actor), ticket.id, body, files.files, row.id, fileFlags);
  if (!posted) {
    const who = from ?? 'an unknown address';
    const why = match.senderOk ? `${who} has no portal account that may reply here` : `${who} is not on this ticket`;
    return await note(['sender_mismatch'], `Sender mismatch: ${why}. Kept as an internal note, not shown to the client`, true);
  }
  return { status: 'processed', providerId: ticket.providerId, matchedBy: match.by, ticketId: posted.ticketId, commentId: posted.commentId, flags: [...posted.flags, ...fileFlags] };
}
