import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, timestamp } from './columns';
import { companies, contacts, providers, staffMembers, users } from './people';

export const TICKET_PRIORITIES = ['low', 'medium', 'high'] as const;
export type TTicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_client', 'waiting_on_vendor', 'closed'] as const;
export type TTicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_SOURCES = ['portal', 'email', 'staff'] as const;

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    number: integer('number').notNull(),
    companyId: integer('company_id').notNull().references(() => companies.id),
    requesterContactId: integer('requester_contact_id').references(() => contacts.id),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull(),
    category: text('category'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    source: text('source', { enum: TICKET_SOURCES }).notNull(),
    assigneeStaffId: integer('assignee_staff_id').references(() => staffMembers.id),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tickets_provider_number').on(t.providerId, t.number),
    index('tickets_company_updated').on(t.companyId, t.updatedAt),
    index('tickets_provider_updated').on(t.providerId, t.updatedAt),
  ],
);

export const ticketComments = sqliteTable(
  'ticket_comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    authorUserId: integer('author_user_id').references(() => users.id),
    authorName: text('author_name').notNull(),
    authorSide: text('author_side', { enum: ['staff', 'client'] }).notNull(),
    body: text('body').notNull(),
    internal: flag('internal').notNull().default(false),
    source: text('source', { enum: TICKET_SOURCES }).notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('ticket_comments_ticket').on(t.ticketId, t.id)],
);

export type TTicket = typeof tickets.$inferSelect;
export type TTicketComment = typeof ticketComments.$inferSelect;
