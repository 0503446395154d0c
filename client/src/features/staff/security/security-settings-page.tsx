import { createResource, createSignal, For, Show } from 'solid-js';
import { refetchMe } from '../../../lib/session';
import { errorMessage, fieldErrors, trpc } from '../../../lib/trpc';

/** Staff admins: the password policy, and who must use two-factor authentication. */
export default function SecuritySettingsPage() {
  const [settings, { refetch }] = createResource(() => trpc.admin.securitySettings.query());
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    setErrors({});
    setSaved('');
    try {
      await trpc.admin.updateSecuritySettings.mutate({
        passwordMinLength: Number(form.get('passwordMinLength')),
        passwordRequireClasses: form.get('passwordRequireClasses') === 'on',
        requireStaff2fa: form.get('requireStaff2fa') === 'on',
      });
      setSaved('Saved. New passwords must meet these rules from now on.');
      await refetch();
      await refetchMe();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const [companySaved, setCompanySaved] = createSignal('');
  const toggleCompany = async (box: HTMLInputElement, companyId: number, name: string) => {
    setError('');
    setCompanySaved('');
    try {
      await trpc.admin.setCompanyTwoFactor.mutate({ companyId, require2fa: box.checked });
      setCompanySaved(box.checked ? `Saved: contacts of ${name} must use two-factor authentication.` : `Saved: two-factor authentication is optional for ${name}.`);
    } catch (err) {
      box.checked = !box.checked; // not saved: show the stored value again
      setError(errorMessage(err));
    }
  };

  return (
    <>
      <h1>Sign-in security</h1>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={settings()}>
        {(s) => (
          <>
            <section class="card" aria-labelledby="policy-title">
              <h2 id="policy-title">Password policy</h2>
              <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
              <form onSubmit={save} aria-busy={busy()}>
                <label for="min-length">Minimum password length</label>
                <input id="min-length" name="passwordMinLength" type="number" min="8" max="64" required value={s().passwordMinLength} aria-describedby="min-length-help" />
                <p id="min-length-help" class="muted">
                  8 to 64. Passwords of up to {s().passwordMaxLength} characters, spaces included, are always accepted; common and breached
                  passwords and a user's last 5 are always refused.
                </p>
                <Show when={errors().passwordMinLength}><p class="field-error">{errors().passwordMinLength![0]}</p></Show>
                <label class="check">
                  <input type="checkbox" name="passwordRequireClasses" checked={s().passwordRequireClasses} /> Require three of four character
                  classes (upper case, lower case, digits, symbols)
                </label>
                <label class="check">
                  <input type="checkbox" name="requireStaff2fa" checked={s().requireStaff2fa} /> Require two-factor authentication for staff
                </label>
                <button type="submit" class="primary" disabled={busy()}>Save</button>
              </form>
            </section>
            <section class="card" aria-labelledby="company-2fa-title">
              <h2 id="company-2fa-title">Two-factor authentication for client contacts</h2>
              <p class="muted">Contacts of a checked company set up two-factor authentication at their next sign-in.</p>
              <Show when={companySaved()}><p class="notice" role="status">{companySaved()}</p></Show>
              <ul class="rows">
                <For each={s().companies}>
                  {(c) => (
                    <li>
                      <label class="check">
                        <input type="checkbox" checked={c.require2fa} onChange={(e) => void toggleCompany(e.currentTarget, c.id, c.name)}
                          aria-label={`Require two-factor authentication for contacts of ${c.name}`} />{' '}
                        {c.name}
                      </label>
                    </li>
                  )}
                </For>
              </ul>
            </section>
          </>
        )}
      </Show>
    </>
  );
}
