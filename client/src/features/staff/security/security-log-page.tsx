import { createEffect, createSignal, For, on, Show } from 'solid-js';
import type { TAuditKind } from '../../../../../server/audit/record-audit';
import { errorMessage, trpc } from '../../../lib/trpc';
import { formatDateTime, isoOf } from '../../../lib/dates';

type TEntry = Awaited<ReturnType<typeof trpc.admin.securityLog.query>>[number];

/** Human words for every kind the log records; the type makes a new kind need its words here. */
const EVENT_LABELS: Record<TAuditKind, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  account_locked: 'Account locked',
  account_unlocked: 'Account unlocked',
  password_reset_requested: 'Password reset requested',
  password_reset: 'Password reset',
  password_changed: 'Password changed',
  two_factor_enabled: 'Two-factor turned on',
  two_factor_disabled: 'Two-factor turned off',
  two_factor_failed: 'Two-factor code failed',
  recovery_codes_regenerated: 'Recovery codes regenerated',
  recovery_code_used: 'Recovery code used',
  trusted_device_added: 'Device remembered',
  trusted_device_forgotten: 'Remembered device forgotten',
  session_ended: 'Session ended',
  email_changed: 'Email changed',
  invitation_accepted: 'Invitation accepted',
  access_requested: 'Access requested',
  access_approved: 'Access approved',
  access_declined: 'Access declined',
  privacy_accepted: 'Privacy policy accepted',
  security_settings_changed: 'Security settings changed',
  sso_settings_changed: 'Single sign-on changed',
  sso_linked: 'Linked to an identity provider',
  passkey_added: 'Passkey or security key added',
  passkey_renamed: 'Passkey or security key renamed',
  passkey_removed: 'Passkey or security key removed',
  passkey_registration_failed: 'Passkey or security key not added',
  passkey_counter_suspicious: 'Possibly cloned security key refused',
  sms_settings_changed: 'SMS gateway changed',
  sms_test_sent: 'Test text message sent',
  sms_code_sent: 'Sign-in code texted',
  sms_send_failed: 'Text message not sent',
  payment_settings_changed: 'Card payment settings changed',
  checkout_started: 'Card checkout started',
  card_payment_received: 'Card payment received',
  payment_refunded: 'Payment refunded',
  card_saved: 'Card saved',
  card_removed: 'Saved card removed',
  card_default_changed: 'Default card changed',
  autopay_changed: 'Auto Pay turned on or off',
  autopay_charged: 'Auto-pay charge succeeded',
  autopay_failed: 'Auto-pay charge failed',
  mail_reply_released: 'Held email reply released',
  mail_sender_settings_changed: 'Mail sender authentication settings changed',
};
const PAGE = 50;

const label = (kind: string) => EVENT_LABELS[kind as TAuditKind] ?? kind;
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
const show = (v: unknown) =>
  typeof v === 'boolean' ? (v ? 'yes' : 'no')
  // A list of changes in words ("Acme Dental: Password or SSO → SSO only").
  : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('; ')
  : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

/** The detail object in words, with who acted when it was not the person themselves. */
function details(e: TEntry): string {
  const parts = e.actorName ? [`by ${e.actorName}`] : [];
  for (const [k, v] of Object.entries(e.detail)) {
    if (k === 'by' && e.actorName) continue;
    parts.push(`${words(k)}: ${show(v)}`);
  }
  return parts.join(' · ');
}

/** Staff admins: the security audit log of their provider, newest first, filterable by event. */
export default function SecurityLogPage() {
  const [kind, setKind] = createSignal<TAuditKind | ''>('');
  const [rows, setRows] = createSignal<TEntry[] | null>(null);
  const [more, setMore] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  // Only the latest request may fill the table: a slow answer for an old filter is dropped.
  let request = 0;

  const load = async (before?: number) => {
    const mine = ++request;
    setBusy(true);
    setError('');
    try {
      const page = await trpc.admin.securityLog.query({ kind: kind() || undefined, before, limit: PAGE });
      if (mine !== request) return;
      setRows([...(before ? (rows() ?? []) : []), ...page]);
      setMore(page.length === PAGE);
    } catch (err) {
      if (mine === request) setError(errorMessage(err));
    } finally {
      if (mine === request) setBusy(false);
    }
  };
  createEffect(on(kind, () => void load()));

  return (
    <>
      <h1 id="log-title">Security log</h1>
      <div class="filters">
        <label for="event-filter">Event</label>
        <select id="event-filter" onChange={(e) => setKind(e.currentTarget.value as TAuditKind | '')}>
          <option value="">All events</option>
          <For each={Object.entries(EVENT_LABELS)}>{([value, text]) => <option value={value}>{text}</option>}</For>
        </select>
      </div>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={rows()} fallback={<p>Loading…</p>}>
        <Show when={rows()!.length} fallback={<p class="muted">No events recorded yet.</p>}>
          <table class="list admin-table" aria-labelledby="log-title" aria-busy={busy()}>
            <thead>
              <tr>
                <th scope="col">Time</th><th scope="col">Event</th><th scope="col">Person</th>
                <th scope="col">Email</th><th scope="col">IP</th><th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()!}>
                {(e) => (
                  <tr>
                    <td data-label="Time"><time datetime={isoOf(e.createdAt)}>{formatDateTime(e.createdAt)}</time></td>
                    <td data-label="Event">{label(e.kind)}</td>
                    <td data-label="Person">{e.userName ?? '—'}</td>
                    <td data-label="Email">{e.email ?? '—'}</td>
                    <td data-label="IP">{e.ip ?? '—'}</td>
                    <td data-label="Details">{details(e) || '—'}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
        <Show when={more()}>
          <button type="button" disabled={busy()} onClick={() => load(rows()!.at(-1)?.id)}>Older</button>
        </Show>
      </Show>
    </>
  );
}
