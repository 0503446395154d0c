import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { refetchMe } from '../../lib/session';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';

/** Staff admins: the privacy policy prompted at sign-in, and who must accept it. */
export default function PrivacySettingsPage() {
  const [settings, { refetch }] = createResource(() => trpc.privacy.settings.query());
  const [people, { mutate: setPeople }] = createResource(() => trpc.privacy.people.query());
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  // Consent can be required only once there is a policy to consent to (the server refuses it before).
  const [policySaved, setHasPolicy] = createSignal<boolean | null>(null);
  const hasPolicy = () => policySaved() ?? Boolean(settings()?.policyVersion && (settings()?.policyUrl || settings()?.policyText));

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    setErrors({});
    setSaved('');
    try {
      const res = await trpc.privacy.saveSettings.mutate({
        policyUrl: String(form.get('policyUrl') ?? ''),
        policyVersion: String(form.get('policyVersion') ?? ''),
        policyText: String(form.get('policyText') ?? ''),
      });
      setSaved(res.policy ? `Saved. Version ${res.policy.version} is now prompted.` : 'Saved. Privacy prompts are off.');
      setHasPolicy(!!res.policy);
      await refetch();
      // The admin may be one of the people who must now accept.
      await refetchMe();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (box: HTMLInputElement, userId: number) => {
    const required = box.checked;
    setError('');
    try {
      await trpc.privacy.setConsentRequired.mutate({ userId, required });
      setPeople((list) => list?.map((p) => (p.userId === userId ? { ...p, consentRequired: required } : p)));
      await refetchMe();
    } catch (err) {
      box.checked = !required; // not saved: show the stored value again
      setError(errorMessage(err));
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Privacy</h1>
        <A href="/staff/privacy-history">Privacy Action History</A>
      </div>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <section class="card" aria-labelledby="policy-title">
        <h2 id="policy-title">Privacy policy</h2>
        <p class="muted">People marked below must read and accept this policy at their next sign-in. Give its version and its URL, its text, or both. A new version asks them again; an empty version turns the prompt off.</p>
        <Show when={settings()} fallback={<p>Loading…</p>}>
          {(s) => (
            <form onSubmit={save} aria-busy={busy()}>
              <label for="policy-url">Privacy policy URL</label>
              <input id="policy-url" name="policyUrl" type="url" maxLength={2000} placeholder="https://" value={s().policyUrl} />
              <Show when={errors().policyUrl}><p class="field-error">{errors().policyUrl![0]}</p></Show>
              <label for="policy-text">Privacy policy text</label>
              <textarea id="policy-text" name="policyText" rows={6} maxLength={50000} aria-describedby="policy-text-hint" value={s().policyText} />
              <p class="muted" id="policy-text-hint">For a policy without a web page: shown as plain text on the consent screen.</p>
              <Show when={errors().policyText}><p class="field-error">{errors().policyText![0]}</p></Show>
              <label for="policy-version">Policy version</label>
              <input id="policy-version" name="policyVersion" maxLength={40} placeholder="2026-11" value={s().policyVersion} />
              <Show when={errors().policyVersion}><p class="field-error">{errors().policyVersion![0]}</p></Show>
              <button type="submit" class="primary" disabled={busy()}>Save</button>
              <Show when={saved()}><p role="status">{saved()}</p></Show>
            </form>
          )}
        </Show>
      </section>
      <section class="card" aria-labelledby="people-title">
        <h2 id="people-title">Who must consent</h2>
        <Show when={settings() && !hasPolicy()}>
          <p class="notice" id="consent-needs-policy" role="status">
            Set a privacy policy above (a version, and its URL or text) before requiring consent. Until then nobody can be asked to consent.
          </p>
        </Show>
        <Show when={people()} fallback={<p>Loading…</p>}>
          <table class="list">
            <thead>
              <tr><th scope="col">Person</th><th scope="col">Email</th><th scope="col">Accounts</th><th scope="col">Consent</th></tr>
            </thead>
            <tbody>
              <For each={people()}>
                {(p) => (
                  <tr>
                    <td data-label="Person" id={`person-${p.userId}`}>{p.name}</td>
                    <td data-label="Email">{p.email}</td>
                    <td data-label="Accounts">{p.accounts.join('; ')}</td>
                    <td data-label="Consent">
                      <label class="check" for={`consent-${p.userId}`}>
                        <input
                          id={`consent-${p.userId}`}
                          type="checkbox"
                          aria-describedby={hasPolicy() ? `person-${p.userId}` : `person-${p.userId} consent-needs-policy`}
                          checked={p.consentRequired}
                          // Without a policy only clearing a flag is allowed.
                          disabled={!hasPolicy() && !p.consentRequired}
                          onChange={(e) => void toggle(e.currentTarget, p.userId)}
                        />
                        Requires privacy consent
                      </label>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>
    </>
  );
}
