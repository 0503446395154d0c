import { createResource, Show } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';

/**
 * Staff admins: the SMS gateway that texts sign-in codes (seed 003, "Send SMS Code"). Any HTTP
 * API in the shape of Twilio's Messages API. The auth token is write-only: once saved it is
 * never shown again, and an empty field keeps it.
 */
export default function SmsSettingsPage() {
  const [settings, { refetch }] = createResource(() => trpc.sms.settings.query());
  const saving = createFormState();
  const testing = createFormState();

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const el = e.currentTarget as HTMLFormElement;
    const form = new FormData(el);
    void saving.run(async () => {
      await trpc.sms.updateSettings.mutate({
        apiUrl: String(form.get('apiUrl') ?? ''),
        accountSid: String(form.get('accountSid') ?? ''),
        authToken: String(form.get('authToken') ?? ''),
        fromNumber: String(form.get('fromNumber') ?? ''),
        defaultCountryCode: String(form.get('defaultCountryCode') ?? ''),
        enabled: form.get('enabled') === 'on',
      });
      (el.elements.namedItem('authToken') as HTMLInputElement).value = '';
      await refetch();
      return 'Saved.';
    });
  };

  const sendTest = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void testing.run(async () => {
      const res = await trpc.sms.sendTest.mutate({ to: String(form.get('to') ?? '') });
      return `The gateway accepted a test message to the number ending in ${res.ending}.`;
    });
  };

  const remove = () => {
    if (!confirm('Remove the SMS gateway? Sign-in codes by text message will no longer be offered.')) return;
    void saving.run(async () => {
      await trpc.sms.removeSettings.mutate();
      await refetch();
      return 'The SMS gateway was removed.';
    });
  };

  const err = (k: string) => <Show when={saving.fieldError(k)}><p class="field-error">{saving.fieldError(k)}</p></Show>;

  return (
    <>
      <h1>Text messages (SMS)</h1>
      <p class="muted">
        Once a contact has turned on two-factor authentication, they may also receive their sign-in code by text message at the cell
        phone on their profile ("Send SMS Code"). Without a gateway the option is not shown.
      </p>
      <Show when={settings()}>
        {(s) => (
          <>
            <section class="card" aria-labelledby="sms-gateway-title">
              <h2 id="sms-gateway-title">SMS gateway</h2>
              <Show when={saving.saved()}><p class="notice" role="status">{saving.saved()}</p></Show>
              <Show when={saving.error()}><p class="error" role="alert">{saving.error()}</p></Show>
              <form onSubmit={save} aria-busy={saving.busy()}>
                <label for="sms-url">Gateway address</label>
                <input id="sms-url" name="apiUrl" type="url" required value={s().apiUrl} aria-describedby="sms-url-help" />
                <p id="sms-url-help" class="muted">
                  Twilio: https://api.twilio.com. Other gateways with the same Messages API (POST …/2010-04-01/Accounts/&lt;SID&gt;/Messages.json) work too.
                </p>
                {err('apiUrl')}
                <label for="sms-sid">Account SID</label>
                <input id="sms-sid" name="accountSid" required autocomplete="off" value={s().accountSid} />
                {err('accountSid')}
                <label for="sms-token">Auth token</label>
                <input id="sms-token" name="authToken" type="password" autocomplete="new-password" required={!s().hasAuthToken} aria-describedby="sms-token-help" />
                <p id="sms-token-help" class="muted">
                  {s().hasAuthToken ? 'A token is saved and is never shown again. Leave this empty to keep it.' : 'Stored encrypted; never shown again after saving.'}
                </p>
                {err('authToken')}
                <label for="sms-from">Sender number</label>
                <input id="sms-from" name="fromNumber" type="tel" required value={s().fromNumber} aria-describedby="sms-from-help" />
                <p id="sms-from-help" class="muted">With its country code, such as +1 555 010 0100.</p>
                {err('fromNumber')}
                <label for="sms-country">Default country code</label>
                <input id="sms-country" name="defaultCountryCode" value={s().defaultCountryCode} placeholder="+1" aria-describedby="sms-country-help" />
                <p id="sms-country-help" class="muted">For cell phones entered without one. Empty: only numbers starting with + receive codes.</p>
                {err('defaultCountryCode')}
                <label class="check">
                  <input type="checkbox" name="enabled" checked={s().enabled} /> Offer sign-in codes by text message
                </label>
                <button type="submit" class="primary" disabled={saving.busy()}>Save</button>
                <Show when={s().configured}>
                  <button type="button" disabled={saving.busy()} onClick={remove}>Remove gateway</button>
                </Show>
              </form>
            </section>
            <Show when={s().configured}>
              <section class="card" aria-labelledby="sms-test-title">
                <h2 id="sms-test-title">Send test message</h2>
                <Show when={testing.saved()}><p class="notice" role="status">{testing.saved()}</p></Show>
                <Show when={testing.error()}><p class="error" role="alert">{testing.error()}</p></Show>
                <form onSubmit={sendTest} aria-busy={testing.busy()}>
                  <label for="sms-test-to">Cell phone number</label>
                  <input id="sms-test-to" name="to" type="tel" required />
                  <Show when={testing.fieldError('to')}><p class="field-error">{testing.fieldError('to')}</p></Show>
                  <button type="submit" disabled={testing.busy()}>Send test message</button>
                </form>
              </section>
            </Show>
          </>
        )}
      </Show>
    </>
  );
}
