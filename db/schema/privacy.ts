import { id, index, int, table, text, timestamp } from './dialect';
import { providers, users } from './people';

/** Privacy Action History: each acceptance of a policy version; never edited, exportable. */
export const privacyConsents = table(
  'privacy_consents',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    userId: int('user_id').notNull().references(() => users.id),
    policyVersion: text('policy_version').notNull(),
    ip: text('ip').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('privacy_consents_provider').on(t.providerId, t.createdAt), index('privacy_consents_user').on(t.userId)],
);
