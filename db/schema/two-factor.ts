import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns';
import { users } from './people';

/** One authenticator app per user; the key is encrypted with SECRET_KEY (AES-256-GCM). */
export const totpCredentials = sqliteTable('totp_credentials', {
  userId: integer('user_id').primaryKey().references(() => users.id),
  encryptedKey: text('encrypted_key').notNull(),
  /** The last accepted 30-second step: a code is never accepted twice. */
  lastUsedStep: integer('last_used_step').notNull().default(0),
  confirmedAt: timestamp('confirmed_at'),
  createdAt: timestamp('created_at').notNull(),
});

/** Ten single-use recovery codes, stored as SHA-256 hashes. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('recovery_codes_user').on(t.userId)],
);
