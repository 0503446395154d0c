import { eq } from 'drizzle-orm';
import { providers, staffMembers, users } from '../../db/schema/people';
import { tickets, type TTicket } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { verifyTicketMessageId } from '../notifications/message-id';
import { classifyRecipient, type TRecipient } from './addresses';
import type { TMail } from './parse-message';
import { companyForDomain, contactsByEmail, isParticipant, ticketById } from './participants';
import type { TMailProblem } from './outcomes';
import { filterInOrder } from '../core/in-order';

export type TMatchedBy = 'token' | 'message_id' | 'subject' | 'support_address';

export type TMatch =
  | {
      kind: 'ticket';
      ticket: TTicket;
      by: Exclude<TMatchedBy, 'support_address'>;
      senderOk: boolean;
      /** Sent by the holder of the reply token it came to: the token, a secret, speaks for them. */
      bearer?: boolean;
    }
  | { kind: 'new_ticket'; companyId: number; providerId: number; contactId: number | null }
  | { kind: 'unmatched'; providerId: number | null; reason: Extract<TMailProblem, 'no_ticket' | 'unknown_sender' | 'several_companies'> };

const SUBJECT_NUMBER = /\[#(\d{1,9})\]/;

/**
 * The recipients intake understands, reply addresses first: as `accepted` resolved them at
 * RCPT TO (this process), else looked up again.
 */
export async function recipientsOf(ctx: ServiceContext, envelopeTo: readonly string[], accepted?: (address: string) => TRecipient | undefined): Promise<TRecipient[]> {
  // The token was live when the message was accepted; processing may come later (a restart),
  // so expiry is not checked again.
  const list: TRecipient[] = [];
  for (const a of envelopeTo) {
    const r = accepted?.(a) ?? (await classifyRecipient({ ...ctx, clock: { now: () => new Date(0) } }, a));
    if (r) list.push(r);
  }
  const rank = { reply: 0, bounce: 1, support: 2 } as const;
  return list.sort((a, b) => rank[a.kind] - rank[b.kind]);
}

/** The provider an unmatched message most likely belongs to: the sender's, else the only one. */
async function likelyProvider(ctx: ServiceContext, from: string | null): Promise<number | null> {
  if (from) {
    const ids = new Set((await contactsByEmail(ctx.db, from)).map((c) => c.providerId));
    const user = (await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, from)))[0];
    if (user) for (const s of (await ctx.db.select({ p: staffMembers.providerId }).from(staffMembers).where(eq(staffMembers.userId, user.id)))) ids.add(s.p);
    if (ids.size === 1) return [...ids][0]!;
  }
  const all = (await ctx.db.select({ id: providers.id }).from(providers).limit(2));
  return all.length === 1 ? all[0]!.id : null;
}

/**
 * Which ticket a message belongs to, in this order: (1) the reply token of the address it
 * was sent to; (2) a Message-ID we signed in In-Reply-To/References; (3) "[#N]" in the
 * subject, only for a sender who is already on that ticket; (4) mail to the support address
 * from a known contact (or, where the provider allows it, from the one company owning the
 * sender's domain) starts a ticket; (5) anything else is unmatched, for staff to sort.
 * (1) and (2) also say whether the sender may write there (senderOk).
 */
export async function matchMessage(ctx: ServiceContext, recipients: readonly TRecipient[], mail: TMail): Promise<TMatch> {
  const from = mail.from?.address ?? null;
  const onTicket = async (t: TTicket) => !!from && await isParticipant(ctx.db, t, from);

  for (const r of recipients) {
    if (r.kind !== 'reply') continue;
    const ticket = await ticketById(ctx.db, r.target.ticketId);
    const bearer = from === r.target.email.toLowerCase();
    if (ticket) return { kind: 'ticket', ticket, by: 'token', senderOk: bearer || await onTicket(ticket), bearer };
  }
  for (const id of mail.parents) {
    const ticketId = verifyTicketMessageId(ctx.settings.secretKey, id);
    const ticket = ticketId && await ticketById(ctx.db, ticketId);
    if (ticket) return { kind: 'ticket', ticket, by: 'message_id', senderOk: await onTicket(ticket) };
  }
  const number = SUBJECT_NUMBER.exec(mail.subject)?.[1];
  if (number && from) {
    const candidates = await filterInOrder(await ctx.db.select().from(tickets).where(eq(tickets.number, Number(number))), onTicket);
    if (candidates.length === 1) return { kind: 'ticket', ticket: candidates[0]!, by: 'subject', senderOk: true };
  }
  if (recipients.some((r) => r.kind === 'support') && from) {
    const known = await contactsByEmail(ctx.db, from);
    if (known.length === 1) return { kind: 'new_ticket', companyId: known[0]!.companyId, providerId: known[0]!.providerId, contactId: known[0]!.contactId };
    if (known.length > 1) return { kind: 'unmatched', providerId: await likelyProvider(ctx, from), reason: 'several_companies' };
    const company = await companyForDomain(ctx.db, from);
    if (company?.autoCreateContacts) return { kind: 'new_ticket', companyId: company.companyId, providerId: company.providerId, contactId: null };
    return { kind: 'unmatched', providerId: company?.providerId ?? await likelyProvider(ctx, from), reason: 'unknown_sender' };
  }
  return { kind: 'unmatched', providerId: await likelyProvider(ctx, from), reason: 'no_ticket' };
}
