import { id, index, int, table, text, timestamp } from './dialect';
import { users } from './people';

/** Reset links: only the SHA-256 of the token is stored; single use, short-lived. */
export const passwordResetTokens = table(
  'password_reset_tokens',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('password_reset_tokens_user').on(t.userId)],
);
