import { createResource, Show } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { ReauthDialog, withReauth } from '../../../lib/reauth';
import { trpc } from '../../../lib/trpc';

/**
 * Staff admins: card payments through Stripe (seed 004 §14). The keys come from the Stripe
 * dashboard; secrets are stored encrypted and never shown again, only whether they are set.
 */
export default function CardPaymentsPage() {
  const [settings, { mutate }] = createResource(() => trpc.payments.gatewaySettings.query());
  const form = createFormState();

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const el = e.currentTarget as HTMLFormElement;
    void form.run(async () => {
      const saved = await withReauth(() =>
        trpc.payments.updateGatewaySettings.mutate({
          publishableKey: String(f.get('publishableKey') ?? ''),
          secretKey: String(f.get('secretKey') ?? ''),
          webhookSecret: String(f.get('webhookSecret') ?? ''),
          allowPartial: f.get('allowPartial') === 'on',
          enabled: f.get('enabled') === 'on',
        }),
      );
      mutate(saved);
      // Secrets are write-only: clear the fields once they are stored.
      for (const name of ['secretKey', 'webhookSecret']) (el.elements.namedItem(name) as HTMLInputElement).value = '';
      return saved.enabled ? 'Saved. Contacts now see "Pay Now" on invoices with a balance.' : 'Saved. Card payments are off: no "Pay Now" button is shown.';
    });
  };

  const err = (name: string) => form.fieldError(name);

  return (
    <>
      <h1>Card payments</h1>
      <ReauthDialog />
      <p>
        Clients pay invoices by card on Stripe's hosted, PCI DSS compliant checkout page. <strong>Card numbers never touch this portal</strong>: it
        keeps only the card's brand and last 4 digits for the payment history. A payment is recorded only when Stripe's signed webhook confirms it.
      </p>
      <Show when={form.error() && !Object.values(form.errors()).some(Boolean)}><p class="error" role="alert">{form.error()}</p></Show>
      <Show when={settings()} fallback={settings.error ? <p class="error" role="alert">{String((settings.error as Error).message)}</p> : <p>Loading…</p>}>
        {(s) => (
          <>
            <section class="card" aria-labelledby="stripe-keys-h">
              <h2 id="stripe-keys-h">Stripe</h2>
              <Show when={form.saved()}><p class="notice" role="status">{form.saved()}</p></Show>
              <form onSubmit={save} aria-busy={form.busy()} novalidate>
                <label for="pk">Publishable key</label>
                <input id="pk" name="publishableKey" autocomplete="off" spellcheck={false} value={s().publishableKey} placeholder="pk_live_…" aria-invalid={!!err('publishableKey')} />
                <Show when={err('publishableKey')}><p class="field-error">{err('publishableKey')}</p></Show>

                <label for="sk">Secret key</label>
                <input id="sk" name="secretKey" type="password" autocomplete="off" spellcheck={false} placeholder={s().secretKeySet ? `Saved (ends in ${s().secretKeyLast4}); leave blank to keep` : 'sk_live_… or a restricted key rk_live_…'} aria-describedby="sk-help" aria-invalid={!!err('secretKey')} />
                <p id="sk-help" class="muted">{s().secretKeySet ? `A secret key ending in ${s().secretKeyLast4} is saved. Enter a new one only to replace it.` : 'Not set.'}</p>
                <Show when={err('secretKey')}><p class="field-error">{err('secretKey')}</p></Show>

                <label for="whsec">Webhook signing secret</label>
                <input id="whsec" name="webhookSecret" type="password" autocomplete="off" spellcheck={false} placeholder={s().webhookSecretSet ? 'Saved; leave blank to keep' : 'whsec_…'} aria-describedby="whsec-help" aria-invalid={!!err('webhookSecret')} />
                <p id="whsec-help" class="muted">{s().webhookSecretSet ? 'A signing secret is saved. Enter a new one only to replace it.' : 'Not set.'}</p>
                <Show when={err('webhookSecret')}><p class="field-error">{err('webhookSecret')}</p></Show>

                <label class="check">
                  <input type="checkbox" name="allowPartial" checked={s().allowPartial} /> Allow partial payments (contacts may pay part of the balance)
                </label>
                <label class="check">
                  <input type="checkbox" name="enabled" checked={s().configured ? s().enabled : true} /> Card payments on (show "Pay Now" to Billing and Primary contacts)
                </label>
                <button type="submit" class="primary" disabled={form.busy()}>Save</button>
              </form>
            </section>
            <section class="card" aria-labelledby="webhook-h">
              <h2 id="webhook-h">Webhook</h2>
              <p>In the Stripe dashboard (Developers → Webhooks), add an endpoint with this URL, then paste its signing secret above:</p>
              <p><code id="webhook-url">{s().webhookUrl}</code></p>
              <p>Events to send: <code>checkout.session.completed</code>, <code>checkout.session.async_payment_succeeded</code>, <code>payment_intent.succeeded</code>, <code>payment_intent.payment_failed</code> and <code>charge.refunded</code>.</p>
            </section>
          </>
        )}
      </Show>
    </>
  );
}
