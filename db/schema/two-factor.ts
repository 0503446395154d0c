import { id, index, int, table, text, timestamp } from './dialect';
import { users } from './people';

/** One authenticator app per user; the key is encrypted with SECRET_KEY (AES-256-GCM). */
export const totpCredentials = table('totp_credentials', {
  userId: int('user_id').primaryKey().references(() => users.id),
  encryptedKey: text('encrypted_key').notNull(),
  /** The last accepted 30-second step: a code is never accepted twice. */
  lastUsedStep: int('last_used_step').notNull().default(0),
  confirmedAt: timestamp('confirmed_at'),
  createdAt: timestamp('created_at').notNull(),
});

/** Ten single-use recovery codes, stored as SHA-256 hashes. */
export const recoveryCodes = table(
  'recovery_codes',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('recovery_codes_user').on(t.userId)],
);
