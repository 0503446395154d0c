import { id, index, int, table, text, timestamp } from './dialect';
import { users } from './people';

/**
 * "Remember this device for 30 days": the browser keeps a random token in a cookie; only
 * its SHA-256 is stored. Revoked by "Forget", by a password reset, or by turning 2FA off.
 */
export const trustedDevices = table(
  'trusted_devices',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull(),
    createdAt: timestamp('created_at').notNull(),
    lastUsedAt: timestamp('last_used_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    revokedAt: timestamp('revoked_at'),
  },
  (t) => [index('trusted_devices_user').on(t.userId)],
);
export type TTrustedDevice = typeof trustedDevices.$inferSelect;
