import { eq } from 'drizzle-orm';
import { contacts, users } from '../../db/schema/people';
import { claimAttachments } from '../attachments/claim-attachments';
import { recordReceivedFiles, type TReceivedFile } from '../attachments/store';
import { actorForAccount } from '../auth/accounts';
import { AppError, isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import type { TTx } from '../core/unit-of-work';
import { createContact } from '../people/create-contact';
import { addReply } from '../tickets/add-reply';
import { createTicket } from '../tickets/create-ticket';
import { updateTicket } from '../tickets/update-ticket';
import { intakeActor } from './intake-actor';
import type { TMail } from './parse-message';
import { ticketById } from './participants';
import type { TMailFlag } from './outcomes';

/** The services take at most this many files per call; intake claims the rest itself. */
const PER_CALL = 10;
const DAY_MS = 86_400_000;

const cleanSubject = (s: string) => s.replace(/^\s*((re|aw|sv|antw|rif|r)\s*:\s*)+/i, '').trim().slice(0, 200) || '(no subject)';

async function saveFiles(tx: TTx, ctx: ServiceContext, files: readonly TReceivedFile[], providerId: number): Promise<number[]> {
  const actor = requireSignedIn(ctx.actor);
  return (await recordReceivedFiles(tx, ctx, files, { providerId, uploaderUserId: actor.userId }, null)).map((a) => a.id);
}

async function claimRest(tx: TTx, ctx: ServiceContext, ids: number[], providerId: number, target: { ticketId: number; commentId: number | null }): Promise<void> {
  const actor = requireSignedIn(ctx.actor);
  if (ids.length > PER_CALL) await claimAttachments(tx, ids.slice(PER_CALL), { uploaderUserId: actor.userId, providerId }, target);
}

/**
 * The sender's reply, through the same tickets service as a portal reply (so it appears
 * live and is notified as one). A contact's reply to a ticket closed within REOPEN_DAYS
 * reopens it first; to one closed longer ago it opens a new ticket linked to the old.
 * Returns null when the service refuses the sender (they may not see or answer the
 * ticket); nothing of the attempt is kept then.
 */
export async function postAsSender(
  ctx: ServiceContext,
  ticketId: number,
  body: string,
  files: readonly TReceivedFile[],
  inboundMessageId: number,
  flags: TMailFlag[],
): Promise<{ ticketId: number; commentId: number | null; flags: TMailFlag[] } | null> {
  const actor = requireSignedIn(ctx.actor);
  try {
    // A savepoint: when the service refuses, the files recorded for it go too.
    return await ctx.db.transaction(async (tx) => {
      const ticket = (await ticketById(ctx.db, ticketId))!;
      const ids = await saveFiles(tx, ctx, files, ticket.providerId);
      const now = ctx.clock.now().getTime();
      const outcome: TMailFlag[] = [];
      if (ticket.status === 'closed' && actor.kind === 'contact') {
        const recent = ticket.closedAt && now - ticket.closedAt.getTime() <= ctx.settings.REOPEN_DAYS * DAY_MS;
        if (!recent) {
          const created = await createTicket(ctx, { subject: ticket.subject, description: body, attachmentIds: ids.slice(0, PER_CALL) }, 'email', { relatedTicketId: ticket.id });
          await claimRest(tx, ctx, ids, ticket.providerId, { ticketId: created.id, commentId: null });
          return { ticketId: created.id, commentId: null, flags: ['related_ticket'] };
        }
        await updateTicket(withActor(ctx, intakeActor(ticket.providerId, { userId: actor.userId, name: `${actor.name} (by email)` })), { ticketId, status: 'open' });
        outcome.push('reopened');
      }
      const comment = await addReply(ctx, { ticketId, body, attachmentIds: ids.slice(0, PER_CALL) }, 'email', { inboundMessageId, flags: [...outcome, ...flags] });
      await claimRest(tx, ctx, ids, ticket.providerId, { ticketId, commentId: comment.id });
      return { ticketId, commentId: comment.id, flags: outcome };
    });
  } catch (err) {
    if (isAppError(err) && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) return null;
    throw err;
  }
}

/**
 * A new ticket for the sender's company, raised as the sender. An unknown sender of the one
 * company owning their domain is first added as a Standard contact (the provider's choice).
 */
export async function startTicketAsSender(
  ctx: ServiceContext,
  match: { companyId: number; providerId: number; contactId: number | null },
  mail: TMail,
  body: string,
  files: readonly TReceivedFile[],
): Promise<{ ticketId: number; flags: TMailFlag[] }> {
  const flags: TMailFlag[] = [];
  let contactId = match.contactId;
  if (!contactId) {
    const from = mail.from!;
    const name = from.name || from.address.slice(0, from.address.indexOf('@'));
    const asProvider = withActor(ctx, intakeActor(match.providerId, { userId: 0, name: 'Mail intake' }));
    contactId = (await createContact(asProvider, { companyId: match.companyId, name, email: from.address, types: ['standard'] })).id;
    flags.push('contact_created');
  }
  const contact = (await ctx.db.select().from(contacts).where(eq(contacts.id, contactId)))[0];
  const user = contact?.userId ? (await ctx.db.select().from(users).where(eq(users.id, contact.userId)))[0] : undefined;
  const actor = user && await actorForAccount(ctx.db, user, { kind: 'contact', id: contactId });
  if (!actor) throw new AppError('FORBIDDEN', 'The sender has no portal access.');
  const asSender = withActor(ctx, actor);
  return await ctx.db.transaction(async (tx) => {
    const ids = await saveFiles(tx, asSender, files, match.providerId);
    const ticket = await createTicket(asSender, { subject: cleanSubject(mail.subject), description: body, attachmentIds: ids.slice(0, PER_CALL) }, 'email');
    await claimRest(tx, asSender, ids, match.providerId, { ticketId: ticket.id, commentId: null });
    return { ticketId: ticket.id, flags };
  });
}
