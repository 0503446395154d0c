import { id, index, int, json, table, text, timestamp } from './dialect';
import { providers, users } from './people';

/** Security audit log: append-only; staff admins of the provider read it. */
export const auditEvents = table(
  'audit_events',
  {
    id: id(),
    /** Null when the event is not tied to one provider (an unknown email, say). */
    providerId: int('provider_id').references(() => providers.id),
    /** The user the event is about. */
    userId: int('user_id').references(() => users.id),
    /** Who did it, when someone else than the user (an admin ending a session, say). */
    actorUserId: int('actor_user_id').references(() => users.id),
    kind: text('kind').notNull(),
    email: text('email'),
    ip: text('ip'),
    detail: json<Record<string, unknown>>('detail').notNull().default({}),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('audit_events_provider').on(t.providerId, t.id), index('audit_events_user').on(t.userId)],
);
export type TAuditEvent = typeof auditEvents.$inferSelect;
