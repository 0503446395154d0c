import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { providers, users } from './people';

/** Security audit log: append-only; staff admins of the provider read it. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Null when the event is not tied to one provider (an unknown email, say). */
    providerId: integer('provider_id').references(() => providers.id),
    /** The user the event is about. */
    userId: integer('user_id').references(() => users.id),
    /** Who did it, when someone else than the user (an admin ending a session, say). */
    actorUserId: integer('actor_user_id').references(() => users.id),
    kind: text('kind').notNull(),
    email: text('email'),
    ip: text('ip'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('audit_events_provider').on(t.providerId, t.id), index('audit_events_user').on(t.userId)],
);
export type TAuditEvent = typeof auditEvents.$inferSelect;
