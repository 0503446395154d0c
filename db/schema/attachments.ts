import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { providers, users } from './people';
import { ticketComments, tickets } from './tickets';

/**
 * Files stored under DATA_DIR by SHA-256 of their content (one copy per content). An
 * upload is held by its uploader until a ticket or reply claims it.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    mimeType: text('mime_type').notNull(),
    filename: text('filename').notNull(),
    uploaderUserId: integer('uploader_user_id').references(() => users.id),
    ticketId: integer('ticket_id').references(() => tickets.id),
    /** Null with a ticket id: attached to the ticket's description. */
    commentId: integer('comment_id').references(() => ticketComments.id),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('attachments_ticket').on(t.ticketId), index('attachments_uploader').on(t.uploaderUserId), index('attachments_sha').on(t.sha256)],
);
export type TAttachment = typeof attachments.$inferSelect;
