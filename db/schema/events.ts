import { id, index, json, table, text, timestamp } from './dialect';

/**
 * Durable, ordered log of everything a live client may need. Its autoincrement id is the
 * tRPC `tracked()` id: a reconnecting client resumes after the last id it saw.
 */
export const events = table(
  'events',
  {
    id: id(),
    topic: text('topic').notNull(),
    kind: text('kind').notNull(),
    payload: json<Record<string, unknown>>('payload').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('events_topic_id').on(t.topic, t.id)],
);

export type TEventRow = typeof events.$inferSelect;
