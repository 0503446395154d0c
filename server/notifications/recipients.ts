import { emailBounces } from '../../db/schema/inbound-mail';
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { notificationOptOuts, type TNotificationKind } from '../../db/schema/notifications';
import { companies, contacts, providers, staffMembers, users } from '../../db/schema/people';
import { ticketComments, tickets, ticketWatchers, type TTicket } from '../../db/schema/tickets';
import { p, preparedQueries } from '../core/prepared';
import type { TTx } from '../core/unit-of-work';
import { filterInOrder } from '../core/in-order';

/*
 * Who gets ticket mail. Event payloads carry ids only; names and addresses are read here,
 * inside the notifier's transaction, so a batch sees one consistent state.
 */

export interface TRecipient {
  userId: number;
  email: string;
  name: string;
}

export interface TTicketFacts {
  ticket: TTicket;
  providerName: string;
  companyName: string;
  requesterName: string | null;
  requesterUserId: number | null;
}

const queries = preparedQueries((db) => ({
  facts: db
    .select({ ticket: tickets, providerName: providers.name, companyName: companies.name })
    .from(tickets)
    .innerJoin(providers, eq(providers.id, tickets.providerId))
    .innerJoin(companies, eq(companies.id, tickets.companyId))
    .where(eq(tickets.id, p('id')))
    .prepare('recipients.facts'),
  contact: db.select({ name: contacts.name, userId: contacts.userId }).from(contacts).where(eq(contacts.id, p('id'))).prepare('recipients.contact'),
  comment: db
    .select()
    .from(ticketComments)
    .where(and(eq(ticketComments.id, p('commentId')), eq(ticketComments.ticketId, p('ticketId'))))
    .prepare('recipients.comment'),
  bounces: db.select({ count: emailBounces.count }).from(emailBounces).where(eq(emailBounces.email, p('email'))).prepare('recipients.bounces'),
  optedOut: db
    .select({ userId: notificationOptOuts.userId })
    .from(notificationOptOuts)
    .where(and(eq(notificationOptOuts.userId, p('userId')), eq(notificationOptOuts.kind, p('kind'))))
    .prepare('recipients.optedOut'),
  activeStaff: db
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(staffMembers)
    .innerJoin(users, eq(users.id, staffMembers.userId))
    .where(and(eq(staffMembers.providerId, p('providerId')), eq(staffMembers.active, true)))
    .prepare('recipients.activeStaff'),
}));

export async function loadTicketFacts(tx: TTx, ticketId: number): Promise<TTicketFacts | null> {
  const q = queries(tx);
  const row = await q.facts.get({ id: ticketId });
  if (!row) return null;
  const requester = row.ticket.requesterContactId ? await q.contact.get({ id: row.ticket.requesterContactId }) : undefined;
  return { ...row, requesterName: requester?.name ?? null, requesterUserId: requester?.userId ?? null };
}

export async function loadComment(tx: TTx, ticketId: number, commentId: number) {
  return await queries(tx).comment.get({ commentId, ticketId });
}

const uniqueByUser = (list: TRecipient[]) => [...new Map(list.map((r) => [r.userId, r])).values()];

/**
 * The requester and watchers. Only contacts of the ticket's company who still have portal
 * access (and so a login identity) qualify: revoking access stops their ticket mail too.
 */
export async function clientRecipients(tx: TTx, ticket: TTicket, opts: { watchers: boolean }): Promise<TRecipient[]> {
  const watcherIds = opts.watchers
    ? (await tx.select({ id: ticketWatchers.contactId }).from(ticketWatchers).where(eq(ticketWatchers.ticketId, ticket.id)))
    : [];
  const ids = [...(ticket.requesterContactId ? [ticket.requesterContactId] : []), ...watcherIds.map((w) => w.id)];
  if (ids.length === 0) return [];
  const rows = (await tx
    .select({ userId: contacts.userId, email: contacts.email, name: contacts.name })
    .from(contacts)
    .where(and(inArray(contacts.id, ids), eq(contacts.companyId, ticket.companyId), eq(contacts.portalAccess, true))));
  const reachable = await filterInOrder(rows, async (r) => r.userId !== null && !(await isBouncing(tx, r.email)));
  return uniqueByUser(reachable as TRecipient[]);
}

/** An address that bounced repeatedly is skipped until it changes; staff see it on Unmatched mail. */
const BOUNCE_LIMIT = 3;
async function isBouncing(tx: TTx, email: string): Promise<boolean> {
  const row = await queries(tx).bounces.get({ email });
  return (row?.count ?? 0) >= BOUNCE_LIMIT;
}

/** The assignee while they are active staff of the provider; otherwise every active staff member. */
export async function staffRecipients(tx: TTx, ticket: TTicket): Promise<TRecipient[]> {
  const active = async (extra?: SQL) =>
    extra === undefined
      ? await queries(tx).activeStaff.all({ providerId: ticket.providerId })
      : (await tx
      .select({ userId: users.id, email: users.email, name: users.name })
      .from(staffMembers)
      .innerJoin(users, eq(users.id, staffMembers.userId))
      .where(and(eq(staffMembers.providerId, ticket.providerId), eq(staffMembers.active, true), extra)));
  const assignee = ticket.assigneeStaffId ? await active(eq(staffMembers.id, ticket.assigneeStaffId)) : [];
  return uniqueByUser(assignee.length ? assignee : await active(undefined));
}

/** Drops the author (nobody is told about their own action) and whoever turned `kind` off. */
export async function withoutOptOuts(tx: TTx, list: TRecipient[], kind: TNotificationKind, authorUserId: number | null): Promise<TRecipient[]> {
  // One prepared lookup per recipient (a handful) beats building a query for the list each time.
  const { optedOut } = queries(tx);
  return filterInOrder(list, async (r) => r.userId !== authorUserId && !(await optedOut.get({ userId: r.userId, kind })));
}
