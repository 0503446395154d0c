import { flag, id, index, int, json, table, text, timestamp } from './dialect';
import { users } from './people';

/**
 * Passkeys and security keys (WebAuthn), up to 10 per user. Binary values are base64url
 * text, so the table moves to PostgreSQL unchanged. The public key is not a secret: no sealing.
 */
export const webauthnCredentials = table(
  'webauthn_credentials',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    /** The authenticator's credential id (base64url); unique across the portal. */
    credentialId: text('credential_id').notNull().unique(),
    /**
     * The random user handle given to the authenticator (base64url), never the email or row id;
     * a passkey sign-in returns it, and it must match the row found by credential id.
     */
    userHandle: text('user_handle').notNull(),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The last signature counter seen; a lower or equal one later means a cloned authenticator. */
    counter: int('counter').notNull().default(0),
    transports: json<string[]>('transports').notNull().default([]),
    /** What the user called it ("YubiKey 5", "My laptop"). */
    name: text('name').notNull(),
    /** 'singleDevice' (a security key) or 'multiDevice' (a synced passkey), and whether it is backed up. */
    deviceType: text('device_type', { enum: ['singleDevice', 'multiDevice'] }).notNull(),
    backedUp: flag('backed_up').notNull().default(false),
    createdAt: timestamp('created_at').notNull(),
    lastUsedAt: timestamp('last_used_at'),
  },
  (t) => [index('webauthn_credentials_user').on(t.userId), index('webauthn_credentials_handle').on(t.userHandle)],
);
export type TWebauthnCredential = typeof webauthnCredentials.$inferSelect;
