import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { users } from './people';
import { tickets } from './tickets';

export const NOTIFICATION_KINDS = ['ticket_reply', 'ticket_status', 'ticket_closed', 'ticket_created', 'client_reply'] as const;
export type TNotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Per-recipient reply addresses `reply+<token>@MAIL_DOMAIN`: only the SHA-256 of the token
 * is stored, with the ticket and the person it was sent to.
 */
export const replyTokens = sqliteTable(
  'reply_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    ticketId: integer('ticket_id').notNull().references(() => tickets.id),
    userId: integer('user_id').notNull().references(() => users.id),
    email: text('email').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('reply_tokens_ticket').on(t.ticketId)],
);

/** Notification kinds a person turned off on their Account page (absent = on). */
export const notificationOptOuts = sqliteTable(
  'notification_opt_outs',
  {
    userId: integer('user_id').notNull().references(() => users.id),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** Where each background consumer of the event log got to, so a restart resumes there. */
export const workerCursors = sqliteTable('worker_cursors', {
  name: text('name').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});
