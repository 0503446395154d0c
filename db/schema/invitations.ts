import { id, index, int, table, text, timestamp } from './dialect';
import { contacts, users } from './people';

/** Invitation links: only the SHA-256 of the token is stored; 3 days, single use. */
export const invitations = table(
  'invitations',
  {
    id: id(),
    contactId: int('contact_id').notNull().references(() => contacts.id),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at').notNull(),
    usedAt: timestamp('used_at'),
    revokedAt: timestamp('revoked_at'),
    createdByUserId: int('created_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('invitations_contact').on(t.contactId)],
);
export type TInvitation = typeof invitations.$inferSelect;
