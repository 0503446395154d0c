import { and, asc, eq, sql } from 'drizzle-orm';
import { contacts, providers, staffMembers, users } from '../../db/schema/people';
import { ticketComments, ticketWatchers, timeEntries } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { descriptionAttachments, toCommentViews } from './comment-view';
import type { TCommentView, TTicketSummary } from './events';
import { ZTicketIdInput } from './schemas';
import { loadVisibleTicket, ticketActions, type TTicketActions } from './ticket-access';
import { loadTicketSummary } from './ticket-summary';

export interface TTicketView {
  ticket: TTicketSummary & {
    /** Same as ticketId. */
    id: number;
    description: string;
    descriptionAttachments: TCommentView['attachments'];
    reopenRequestedAt: number | null;
    satisfaction: 'good' | 'bad' | null;
    satisfactionComment: string | null;
    satisfactionAt: number | null;
  };
  /** Public replies; internal notes too for staff. */
  comments: TCommentView[];
  watchers: { contactId: number; name: string; email: string }[];
  /** Sum of logged time; null for a contact when the provider hides it. */
  timeSpentMinutes: number | null;
  /** Staff only (empty for contacts). */
  timeEntries: { id: number; minutes: number; note: string | null; staffName: string; createdAt: number }[];
  companyName: string;
  requesterName: string | null;
  actions: TTicketActions;
}

/** One ticket with its conversation, watchers, time and SLA; internal notes only for staff. */
export async function getTicket(ctx: ServiceContext, input: unknown): Promise<TTicketView> {
  const { ticketId } = ZTicketIdInput.parse(input);
  const row = await loadVisibleTicket(ctx.db, ctx.actor, ticketId);
  const staff = ctx.actor.kind === 'staff';
  const comments = (await ctx.db
    .select()
    .from(ticketComments)
    .where(and(eq(ticketComments.ticketId, row.id), staff ? undefined : eq(ticketComments.internal, false)))
    .orderBy(asc(ticketComments.id)));
  const watchers = (await ctx.db
    .select({ contactId: contacts.id, name: contacts.name, email: contacts.email })
    .from(ticketWatchers)
    .innerJoin(contacts, eq(contacts.id, ticketWatchers.contactId))
    .where(eq(ticketWatchers.ticketId, row.id))
    .orderBy(asc(contacts.name)));
  const showTime =
    staff || !!(await ctx.db.select({ show: providers.showTimeSpent }).from(providers).where(eq(providers.id, row.providerId)))[0]?.show;
  const total = (await ctx.db
    .select({ minutes: sql<number>`coalesce(sum(${timeEntries.minutes}), 0)`.mapWith(Number) })
    .from(timeEntries)
    .where(eq(timeEntries.ticketId, row.id)))[0];
  const entries = staff
    ? (await ctx.db
        .select({ id: timeEntries.id, minutes: timeEntries.minutes, note: timeEntries.note, staffName: users.name, createdAt: timeEntries.createdAt })
        .from(timeEntries)
        .innerJoin(staffMembers, eq(staffMembers.id, timeEntries.staffId))
        .innerJoin(users, eq(users.id, staffMembers.userId))
        .where(eq(timeEntries.ticketId, row.id))
        .orderBy(asc(timeEntries.id)))
        .map((e) => ({ ...e, createdAt: e.createdAt.getTime() }))
    : [];
  const summary = await loadTicketSummary(ctx.db, row.id);
  return {
    ticket: {
      ...summary,
      id: row.id,
      description: row.description,
      descriptionAttachments: await descriptionAttachments(ctx.db, row.id),
      reopenRequestedAt: row.reopenRequestedAt?.getTime() ?? null,
      satisfaction: row.satisfaction,
      satisfactionComment: row.satisfactionComment,
      satisfactionAt: row.satisfactionAt?.getTime() ?? null,
    },
    comments: await toCommentViews(ctx.db, comments),
    watchers,
    timeSpentMinutes: showTime ? (total?.minutes ?? 0) : null,
    timeEntries: entries,
    companyName: summary.companyName,
    requesterName: summary.requesterName,
    actions: ticketActions(ctx.actor, row),
  };
}
