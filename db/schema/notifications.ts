import { id, index, int, primaryKey, table, text, timestamp } from './dialect';
import { users } from './people';
import { tickets } from './tickets';

export const NOTIFICATION_KINDS = ['ticket_reply', 'ticket_status', 'ticket_closed', 'ticket_created', 'client_reply'] as const;
export type TNotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Per-recipient reply addresses `reply+<token>@MAIL_DOMAIN`: only the SHA-256 of the token
 * is stored, with the ticket and the person it was sent to.
 */
export const replyTokens = table(
  'reply_tokens',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    ticketId: int('ticket_id').notNull().references(() => tickets.id),
    userId: int('user_id').notNull().references(() => users.id),
    email: text('email').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('reply_tokens_ticket').on(t.ticketId)],
);

/** Notification kinds a person turned off on their Account page (absent = on). */
export const notificationOptOuts = table(
  'notification_opt_outs',
  {
    userId: int('user_id').notNull().references(() => users.id),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** Where each background consumer of the event log got to, so a restart resumes there. */
export const workerCursors = table('worker_cursors', {
  name: text('name').primaryKey(),
  lastEventId: int('last_event_id').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});
