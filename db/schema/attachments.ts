import { id, index, int, table, text, timestamp } from './dialect';
import { providers, users } from './people';
import { ticketComments, tickets } from './tickets';

/**
 * Files stored under DATA_DIR by SHA-256 of their content (one copy per content). An
 * upload is held by its uploader until a ticket or reply claims it.
 */
export const attachments = table(
  'attachments',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    sha256: text('sha256').notNull(),
    size: int('size').notNull(),
    mimeType: text('mime_type').notNull(),
    filename: text('filename').notNull(),
    uploaderUserId: int('uploader_user_id').references(() => users.id),
    ticketId: int('ticket_id').references(() => tickets.id),
    /** Null with a ticket id: attached to the ticket's description. */
    commentId: int('comment_id').references(() => ticketComments.id),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('attachments_ticket').on(t.ticketId), index('attachments_uploader').on(t.uploaderUserId), index('attachments_sha').on(t.sha256)],
);
export type TAttachment = typeof attachments.$inferSelect;
