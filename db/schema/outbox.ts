import { id, index, int, json, table, text, timestamp } from './dialect';
import { providers } from './people';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'held'] as const;

/** Every email is written here first, in the transaction that caused it, then delivered. */
export const outbox = table(
  'outbox',
  {
    id: id(),
    providerId: int('provider_id').references(() => providers.id),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    headers: json<Record<string, string>>('headers').notNull().default({}),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: int('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at').notNull(),
    sentAt: timestamp('sent_at'),
  },
  (t) => [index('outbox_status_next').on(t.status, t.nextAttemptAt)],
);

export type TOutboxRow = typeof outbox.$inferSelect;
