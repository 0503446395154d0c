import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';

/**
 * Durable, ordered log of everything a live client may need. Its autoincrement id is the
 * tRPC `tracked()` id: a reconnecting client resumes after the last id it saw.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    topic: text('topic').notNull(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('events_topic_id').on(t.topic, t.id)],
);

export type TEventRow = typeof events.$inferSelect;
