import { flag, id, index, int, table, text, timestamp } from './dialect';
import { providers, staffMembers, users } from './people';

/*
 * Sign-in codes by text message (seed 003, "Send SMS Code"): the provider's SMS gateway and
 * the codes sent through it.
 */

export const SMS_GATEWAY_KINDS = ['twilio'] as const;

/** One SMS gateway per provider, an HTTP API (Twilio's Messages API shape); the auth token sealed with SECRET_KEY. */
export const smsGateways = table('sms_gateways', {
  providerId: int('provider_id').primaryKey().references(() => providers.id),
  kind: text('kind', { enum: SMS_GATEWAY_KINDS }).notNull().default('twilio'),
  /** The API's base address (https://api.twilio.com); tests point it at a local stand-in. */
  apiUrl: text('api_url').notNull(),
  /** Account SID or user name: the HTTP Basic user and part of the API path. */
  accountSid: text('account_sid').notNull(),
  sealedAuthToken: text('sealed_auth_token').notNull(),
  /** The sender number (E.164) the messages come from. */
  fromNumber: text('from_number').notNull(),
  /** Prefixed to cell phones typed without one ("+1"); null: only numbers starting with + are used. */
  defaultCountryCode: text('default_country_code'),
  enabled: flag('enabled').notNull().default(true),
  updatedByStaffId: int('updated_by_staff_id').references(() => staffMembers.id),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});

/**
 * One row per code sent (or tried): a keyed hash of the code, bound to the pending sign-in it
 * was sent for. Rows also count sends for the rate limit, so failed sends count too.
 */
export const smsCodes = table(
  'sms_codes',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id),
    providerId: int('provider_id').notNull().references(() => providers.id),
    /** SHA-256 of the pending sign-in's token: a code works only for the sign-in it was sent for. */
    pendingHash: text('pending_hash').notNull(),
    /** HMAC-SHA-256 of the code under a key derived from SECRET_KEY (six digits are too few for a plain hash). */
    codeHash: text('code_hash').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    /** Set when the code was accepted, replaced by a newer one, or could not be sent. */
    usedAt: timestamp('used_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('sms_codes_user').on(t.userId, t.createdAt)],
);

export type TSmsGateway = typeof smsGateways.$inferSelect;
export type TSmsCode = typeof smsCodes.$inferSelect;
