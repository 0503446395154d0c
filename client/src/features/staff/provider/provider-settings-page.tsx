import { createResource, Show } from 'solid-js';
import { refetchMe } from '../../../lib/session';
import { createFormState, fileToBase64 } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';
import { CategoriesSection } from './categories-section';
import { MailSenderSection } from './mail-sender-section';
import { PaymentInstructionsSection } from './payment-instructions-section';
import { SlaSection } from './sla-section';

/** Staff admins: the provider's name, identifier, logo and currency, SLA targets, ticket categories and incoming mail senders. */
export default function ProviderSettingsPage() {
  const [settings, { refetch, mutate }] = createResource(() => trpc.admin.providerSettings.query());
  const { errors, error, saved, busy, run } = createFormState();
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      await trpc.admin.updateProviderSettings.mutate({
        name: String(form.get('name') ?? ''),
        identifier: String(form.get('identifier') ?? ''),
        currency: String(form.get('currency') ?? ''),
        showTimeSpent: form.get('showTimeSpent') === 'on',
        autoCreateContacts: form.get('autoCreateContacts') === 'on',
      });
      await Promise.all([refetch(), refetchMe()]);
      return 'Saved.';
    });
  };
  const pickLogo = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    void run(async () => {
      const res = await trpc.admin.setLogo.mutate({ dataBase64: await fileToBase64(file) });
      mutate((s) => (s ? { ...s, logoDataUrl: res.logoDataUrl } : s));
      input.value = '';
      return 'The logo was updated.';
    });
  };
  const err = (k: string) => <Show when={errors()[k]}><p class="field-error">{errors()[k]![0]}</p></Show>;

  return (
    <>
      <h1>Provider settings</h1>
      <Show when={settings()}>
        {(s) => (
          <section class="card" aria-labelledby="provider-title">
            <h2 id="provider-title">Your organization</h2>
            <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
            <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
            <form onSubmit={save} aria-busy={busy()}>
              <label for="provider-name">Name</label>
              <input id="provider-name" name="name" required value={s().name} />
              {err('name')}
              <label for="provider-identifier">Service provider identifier</label>
              <input id="provider-identifier" name="identifier" required value={s().identifier} aria-describedby="provider-identifier-help" />
              <p id="provider-identifier-help" class="muted">Clients type this on "Request access" when the portal serves several providers.</p>
              {err('identifier')}
              <label for="provider-currency">Currency</label>
              <input id="provider-currency" name="currency" required maxLength={3} value={s().currency} />
              {err('currency')}
              <label class="check"><input type="checkbox" name="showTimeSpent" checked={s().showTimeSpent} /> Show time spent on tickets to clients</label>
              <label class="check">
                <input type="checkbox" name="autoCreateContacts" checked={s().autoCreateContacts} /> Add unknown senders as contacts when their email
                domain belongs to exactly one company (mail to the support address)
              </label>
              <button type="submit" class="primary" disabled={busy()}>Save</button>
            </form>
            <div class="logo-setting">
              <Show when={s().logoDataUrl}><img src={s().logoDataUrl!} alt={`${s().name} logo`} /></Show>
              <label for="provider-logo">Logo</label>
              <input id="provider-logo" type="file" accept="image/png,image/jpeg,image/webp,image/gif" disabled={busy()} onChange={(e) => pickLogo(e.currentTarget)} />
              {err('logo')}
            </div>
          </section>
        )}
      </Show>
      <SlaSection />
      <CategoriesSection />
      <PaymentInstructionsSection />
      <MailSenderSection />
    </>
  );
}
