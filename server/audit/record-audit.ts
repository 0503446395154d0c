import type { TDb } from '../../db/client';
import { auditEvents } from '../../db/schema/audit';
import type { TTx } from '../core/unit-of-work';

/** What the security audit log records (ASVS V16: authentication and session events). */
export const AUDIT_KINDS = [
  'sign_in',
  'sign_in_failed',
  'account_locked',
  'account_unlocked',
  'password_reset_requested',
  'password_reset',
  'password_changed',
  'two_factor_enabled',
  'two_factor_disabled',
  'two_factor_failed',
  'recovery_codes_regenerated',
  'recovery_code_used',
  'trusted_device_added',
  'trusted_device_forgotten',
  'session_ended',
  'email_changed',
  'invitation_accepted',
  'access_requested',
  'access_approved',
  'access_declined',
  'privacy_accepted',
  'security_settings_changed',
  'sso_settings_changed',
  'sso_linked',
  'passkey_added',
  'passkey_renamed',
  'passkey_removed',
  'passkey_registration_failed',
  'passkey_counter_suspicious',
  'sms_settings_changed',
  'sms_test_sent',
  'sms_code_sent',
  'sms_send_failed',
  'payment_settings_changed',
  'checkout_started',
  'card_payment_received',
  'payment_refunded',
  'card_saved',
  'card_removed',
  'card_default_changed',
  'autopay_changed',
  'autopay_charged',
  'autopay_failed',
  'mail_reply_released',
  'mail_sender_settings_changed',
] as const;
export type TAuditKind = (typeof AUDIT_KINDS)[number];

export interface TAuditEntry {
  kind: TAuditKind;
  userId?: number | null;
  providerId?: number | null;
  actorUserId?: number | null;
  email?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Appends one entry. Takes the database or an open transaction, so an entry is written
 * with the change it describes, or on its own for failures that change nothing else.
 */
export async function recordAudit(db: TDb | TTx, at: Date, entry: TAuditEntry): Promise<void> {
  (await db.insert(auditEvents)
    .values({
      kind: entry.kind,
      userId: entry.userId ?? null,
      providerId: entry.providerId ?? null,
      actorUserId: entry.actorUserId ?? null,
      email: entry.email ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ?? {},
      createdAt: at,
    }));
}
