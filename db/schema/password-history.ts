import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { users } from './people';

/** Earlier password hashes, so a new password cannot be one of the last five. */
export const passwordHistory = sqliteTable(
  'password_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('password_history_user').on(t.userId)],
);
