import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { providers, users } from './people';

/** Privacy Action History: each acceptance of a policy version; never edited, exportable. */
export const privacyConsents = sqliteTable(
  'privacy_consents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    userId: integer('user_id').notNull().references(() => users.id),
    policyVersion: text('policy_version').notNull(),
    ip: text('ip').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('privacy_consents_provider').on(t.providerId, t.createdAt), index('privacy_consents_user').on(t.userId)],
);
