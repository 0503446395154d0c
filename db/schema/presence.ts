import { index, int, primaryKey, table, text, timestamp } from './dialect';

/**
 * Staff viewing or typing on a ticket, shared by every node on a PostgreSQL database
 * (server/tickets/presence-shared.ts): one row per ticket and staff member, its `seen_at`
 * moved by each heartbeat (one upsert). A row is live for 30 s after `seen_at`; older rows
 * are swept. SQLite (one process) keeps presence in memory and leaves this table empty.
 */
export const ticketPresence = table(
  'ticket_presence',
  {
    ticketId: int('ticket_id').notNull(),
    staffId: int('staff_id').notNull(),
    name: text('name').notNull(),
    state: text('state', { enum: ['viewing', 'typing'] }).notNull(),
    seenAt: timestamp('seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.staffId] }), index('ticket_presence_seen').on(t.seenAt)],
);
