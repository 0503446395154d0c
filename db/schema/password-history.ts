import { id, index, int, table, text, timestamp } from './dialect';
import { users } from './people';

/** Earlier password hashes, so a new password cannot be one of the last five. */
export const passwordHistory = table(
  'password_history',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('password_history_user').on(t.userId)],
);
