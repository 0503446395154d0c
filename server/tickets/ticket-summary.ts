import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from '../../db/schema/dialect';
import type { TDb } from '../../db/client';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';
import { ticketWatchers, tickets } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import { p, preparedQueries } from '../core/prepared';
import type { TEmit, TTx } from '../core/unit-of-work';
import type { TTicketChanges, TTicketEvent, TTicketSummary } from './events';
import { companyTicketsTopic, staffFeedTopic, ticketTopic } from './topics';

const assigneeUser = alias(users, 'assignee_user');
const ms = (d: Date | null) => (d ? d.getTime() : null);

const summarySelection = {
  t: tickets,
  companyName: companies.name,
  requesterName: contacts.name,
  assigneeName: assigneeUser.name,
  // The last public comment: the staff feed shows tickets waiting on staff.
  lastReplyBy: sql<'staff' | 'client' | null>`(select c.author_side from ticket_comments c where c.ticket_id = ${tickets.id} and not c.internal order by c.id desc limit 1)`,
};

function summaryRows(db: TDb | TTx, where: SQL | undefined) {
  return db
    .select(summarySelection)
    .from(tickets)
    .innerJoin(companies, eq(companies.id, tickets.companyId))
    .leftJoin(contacts, eq(contacts.id, tickets.requesterContactId))
    .leftJoin(staffMembers, eq(staffMembers.id, tickets.assigneeStaffId))
    .leftJoin(assigneeUser, eq(assigneeUser.id, staffMembers.userId))
    .where(where);
}

function watcherRows(db: TDb | TTx, where: SQL | undefined) {
  return db
    .select({ ticketId: ticketWatchers.ticketId, contactId: ticketWatchers.contactId })
    .from(ticketWatchers)
    .where(where)
    .orderBy(asc(ticketWatchers.contactId));
}

// One ticket (every change event) is the common case.
const queries = preparedQueries((db) => ({
  summary: summaryRows(db, eq(tickets.id, p('id'))).prepare('ticket-summary.summary'),
  watchers: watcherRows(db, eq(ticketWatchers.ticketId, p('id'))).prepare('ticket-summary.watchers'),
  providerId: db.select({ providerId: tickets.providerId }).from(tickets).where(eq(tickets.id, p('id'))).prepare('ticket-summary.providerId'),
}));

/**
 * The one builder of TTicketSummary: list rows, the ticket view and every list event use
 * it, so a live update always has the same shape as the row it replaces. Returns the
 * summaries in the order of `ids` (missing ids are skipped).
 */
export async function loadTicketSummaries(db: TDb | TTx, ids: readonly number[]): Promise<TTicketSummary[]> {
  if (!ids.length) return [];
  const one = ids.length === 1 ? queries(db) : null;
  const rows = one ? await one.summary.all({ id: ids[0] }) : (await summaryRows(db, inArray(tickets.id, [...ids])));
  const watcherList = one ? await one.watchers.all({ id: ids[0] }) : (await watcherRows(db, inArray(ticketWatchers.ticketId, [...ids])));
  const watchers = new Map<number, number[]>();
  for (const w of watcherList) {
    watchers.set(w.ticketId, [...(watchers.get(w.ticketId) ?? []), w.contactId]);
  }
  const byId = new Map(
    rows.map(({ t, ...r }) => [
      t.id,
      {
        ticketId: t.id,
        number: t.number,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        category: t.category,
        companyId: t.companyId,
        companyName: r.companyName,
        requesterContactId: t.requesterContactId,
        requesterName: r.requesterName,
        watcherContactIds: watchers.get(t.id) ?? [],
        assigneeStaffId: t.assigneeStaffId,
        assigneeName: t.assigneeStaffId ? r.assigneeName : null,
        source: t.source,
        createdAt: t.createdAt.getTime(),
        updatedAt: t.updatedAt.getTime(),
        firstResponseDueAt: ms(t.firstResponseDueAt),
        resolutionDueAt: ms(t.resolutionDueAt),
        firstRespondedAt: ms(t.firstRespondedAt),
        closedAt: ms(t.closedAt),
        lastReplyBy: r.lastReplyBy,
      } satisfies TTicketSummary,
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadTicketSummary(db: TDb | TTx, ticketId: number): Promise<TTicketSummary> {
  const [summary] = await loadTicketSummaries(db, [ticketId]);
  if (!summary) throw new AppError('NOT_FOUND', 'Ticket not found.');
  return summary;
}

/** Emits one of the fixed ticket events (./events.ts) with its payload type checked. */
export function emitTicketEvent<K extends TTicketEvent['kind']>(
  emit: TEmit,
  topics: string | readonly string[],
  kind: K,
  payload: Extract<TTicketEvent, { kind: K }>['payload'],
): void {
  emit(topics, kind, payload);
}

/**
 * After a change inside a unit of work: re-reads the summary and sends `ticket.updated`
 * to the company's list and the staff feed, or (staff-only changes) to the staff feed only.
 */
export async function emitTicketUpdated(tx: TTx, emit: TEmit, ticketId: number, audience: 'public' | 'staff'): Promise<TTicketSummary> {
  const ticket = await loadTicketSummary(tx, ticketId);
  const row = (await queries(tx).providerId.get({ id: ticketId }))!;
  const topics = audience === 'public' ? [companyTicketsTopic(ticket.companyId), staffFeedTopic(row.providerId)] : [staffFeedTopic(row.providerId)];
  emitTicketEvent(emit, topics, 'ticket.updated', { ticket });
  return ticket;
}

/** A public field change: `ticket.changed` on the thread plus `ticket.updated` on both lists. */
export async function emitTicketChanged(
  tx: TTx,
  emit: TEmit,
  ticketId: number,
  changes: TTicketChanges,
  by: { userId: number; name: string; side: 'staff' | 'client' },
): Promise<TTicketSummary> {
  emitTicketEvent(emit, ticketTopic(ticketId), 'ticket.changed', { ticketId, changes, by });
  return await emitTicketUpdated(tx, emit, ticketId, 'public');
}
