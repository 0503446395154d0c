import { flag, index, int, table, text, timestamp } from './dialect';
import { users } from './people';

/**
 * Lucia sessions. `id` is the SHA-256 (hex) of the cookie token, so a database leak
 * yields no usable session. `expires_at` is in seconds, as lucia's adapters expect.
 */
export const sessions = table(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: int('user_id').notNull().references(() => users.id),
    expiresAt: int('expires_at').notNull(),
    accountKind: text('account_kind', { enum: ['staff', 'contact'] }),
    accountId: int('account_id'),
    twoFactorVerified: flag('two_factor_verified').notNull().default(false),
    deviceClass: text('device_class', { enum: ['desktop', 'tablet', 'mobile'] }).notNull(),
    browser: text('browser').notNull(),
    ip: text('ip').notNull(),
    createdAt: timestamp('created_at').notNull(),
    lastActiveAt: timestamp('last_active_at').notNull(),
    /** Last time the password was entered in this session: sensitive changes need it within 5 minutes. */
    reauthenticatedAt: timestamp('reauthenticated_at'),
    absoluteExpiresAt: timestamp('absolute_expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export type TSessionRow = typeof sessions.$inferSelect;
