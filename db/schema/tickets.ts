import { sql } from 'drizzle-orm';
import { flag, id, index, int, json, primaryKey, table, text, timestamp, uniqueIndex } from './dialect';
import type { TMailFlag } from './inbound-mail';
import { companies, contacts, providers, staffMembers, users } from './people';

export const TICKET_PRIORITIES = ['low', 'medium', 'high'] as const;
export type TTicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_client', 'waiting_on_vendor', 'closed'] as const;
export type TTicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_SOURCES = ['portal', 'email', 'staff'] as const;

export const tickets = table(
  'tickets',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    number: int('number').notNull(),
    companyId: int('company_id').notNull().references(() => companies.id),
    requesterContactId: int('requester_contact_id').references(() => contacts.id),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull(),
    category: text('category'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    source: text('source', { enum: TICKET_SOURCES }).notNull(),
    assigneeStaffId: int('assignee_staff_id').references(() => staffMembers.id),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    /** SLA targets from the provider's policy for the priority (seed 004 §10). */
    firstResponseDueAt: timestamp('first_response_due_at'),
    resolutionDueAt: timestamp('resolution_due_at'),
    /** First public staff reply; null until then. */
    firstRespondedAt: timestamp('first_responded_at'),
    closedAt: timestamp('closed_at'),
    reopenRequestedAt: timestamp('reopen_requested_at'),
    /** After closing: "good" or "bad", with an optional comment. */
    satisfaction: text('satisfaction', { enum: ['good', 'bad'] }),
    satisfactionComment: text('satisfaction_comment'),
    satisfactionAt: timestamp('satisfaction_at'),
    /** A reply to a long-closed ticket opens a new one linked to the old. */
    relatedTicketId: int('related_ticket_id'),
  },
  // The list indexes end in (updated_at, id), the keyset order of every ticket list, so a page
  // is read in index order and stops after `limit` rows (SQLite has the rowid there anyway;
  // PostgreSQL needs the id to skip the sort).
  (t) => [
    uniqueIndex('tickets_provider_number').on(t.providerId, t.number),
    index('tickets_company_updated').on(t.companyId, t.updatedAt, t.id),
    index('tickets_provider_updated').on(t.providerId, t.updatedAt, t.id),
    index('tickets_provider_status_updated').on(t.providerId, t.status, t.updatedAt, t.id),
    index('tickets_requester_updated').on(t.requesterContactId, t.updatedAt, t.id),
    index('tickets_assignee_updated').on(t.assigneeStaffId, t.updatedAt, t.id),
    // The lists' default view, tickets not closed: a small share of all, so the walk of a
    // full index would skip closed tickets for most of its length. The literal must match
    // the lists' condition (statusCondition) for the databases to use these.
    index('tickets_company_active').on(t.companyId, t.updatedAt, t.id).where(sql`status <> 'closed'`),
    index('tickets_provider_active').on(t.providerId, t.updatedAt, t.id).where(sql`status <> 'closed'`),
    index('tickets_requester_active').on(t.requesterContactId, t.updatedAt, t.id).where(sql`status <> 'closed'`),
    index('tickets_assignee_active').on(t.assigneeStaffId, t.updatedAt, t.id).where(sql`status <> 'closed'`),
  ],
);

/** Other contacts of the company who follow a ticket (CC'd on its notifications). */
export const ticketWatchers = table(
  'ticket_watchers',
  {
    ticketId: int('ticket_id').notNull().references(() => tickets.id),
    contactId: int('contact_id').notNull().references(() => contacts.id),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.contactId] }), index('ticket_watchers_contact').on(t.contactId)],
);

/** Time logged by staff; shown to clients only when the provider says so. */
export const timeEntries = table(
  'time_entries',
  {
    id: id(),
    ticketId: int('ticket_id').notNull().references(() => tickets.id),
    staffId: int('staff_id').notNull().references(() => staffMembers.id),
    minutes: int('minutes').notNull(),
    note: text('note'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('time_entries_ticket').on(t.ticketId)],
);

/** The provider's category list for "Category" (seed 004: Hardware, Software, ...). */
export const ticketCategories = table(
  'ticket_categories',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    name: text('name').notNull(),
    active: flag('active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('ticket_categories_provider_name').on(t.providerId, t.name)],
);

/** Response and resolution targets per priority; staff admins edit them. */
export const slaPolicies = table(
  'sla_policies',
  {
    providerId: int('provider_id').notNull().references(() => providers.id),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull(),
    firstResponseMinutes: int('first_response_minutes').notNull(),
    resolutionMinutes: int('resolution_minutes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.providerId, t.priority] })],
);

export const ticketComments = table(
  'ticket_comments',
  {
    id: id(),
    ticketId: int('ticket_id').notNull().references(() => tickets.id),
    authorUserId: int('author_user_id').references(() => users.id),
    authorName: text('author_name').notNull(),
    authorSide: text('author_side', { enum: ['staff', 'client'] }).notNull(),
    body: text('body').notNull(),
    internal: flag('internal').notNull().default(false),
    source: text('source', { enum: TICKET_SOURCES }).notNull(),
    createdAt: timestamp('created_at').notNull(),
    /** Mail intake: automatic replies and sender mismatches are kept, flagged, as internal notes. */
    flags: json<TMailFlag[]>('flags').notNull().default([]),
    /** The inbound message a comment came from, so staff can expand the original and download the .eml. */
    inboundMessageId: int('inbound_message_id'),
  },
  (t) => [index('ticket_comments_ticket').on(t.ticketId, t.id)],
);

export type TTicket = typeof tickets.$inferSelect;
export type TTimeEntry = typeof timeEntries.$inferSelect;
export type TTicketComment = typeof ticketComments.$inferSelect;
