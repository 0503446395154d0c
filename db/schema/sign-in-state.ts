import { flag, index, int, json, table, text, timestamp } from './dialect';
import { users } from './people';

/*
 * What sign-in keeps between steps, shared by every node on the database: a sign-in whose
 * password went to one node finishes on another. Only hashes of the browser's tokens and
 * of the challenges are stored.
 */

/** What a pending sign-in remembers of the browser for the session it will open (never the device cookie). */
export interface TPendingMeta {
  deviceClass: 'desktop' | 'tablet' | 'mobile';
  browser: string;
  ip: string;
  sso?: { idpId: number };
}

/** A password (or identity provider) that was accepted, waiting on the second factor or a session-limit choice; 5 minutes. */
export const pendingSignIns = table(
  'pending_sign_ins',
  {
    /** SHA-256 of the token the browser holds. */
    tokenHash: text('token_hash').primaryKey(),
    userId: int('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    meta: json<TPendingMeta>('meta').notNull(),
    /** Whether the second factor has been passed (or is not needed). */
    secondFactorDone: flag('second_factor_done').notNull().default(false),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('pending_sign_ins_expires').on(t.expiresAt)],
);

/** A live WebAuthn challenge: single use, 5 minutes, for one purpose and binding. */
export const webauthnChallenges = table(
  'webauthn_challenges',
  {
    /** SHA-256 of the challenge (base64url, as clientDataJSON carries it). */
    challengeHash: text('challenge_hash').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'second-factor', 'passkey'] }).notNull(),
    /** The session id (register), pending sign-in token hash (second factor), or '' (passkey sign-in). */
    bind: text('bind').notNull(),
    /** `purpose:bind` when bound: one live challenge per session or pending sign-in, a new one replaces it. */
    bindKey: text('bind_key').unique(),
    /** Registration only: the user handle the options carried. */
    userHandle: text('user_handle'),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expires').on(t.expiresAt)],
);
