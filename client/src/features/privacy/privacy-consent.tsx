import { createSignal, Show } from 'solid-js';
import { me, refetchMe } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import './privacy.css';

/** Privacy prompts: shown instead of every page until the current policy version is accepted. */
export function PrivacyConsent(props: { onSignOut: () => void }) {
  const policy = () => me()?.privacyPolicy;
  const [checked, setChecked] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');

  const accept = async (e: SubmitEvent) => {
    e.preventDefault();
    const version = policy()?.version;
    if (!checked() || !version) return;
    setBusy(true);
    setError('');
    try {
      await trpc.privacy.accept.mutate({ policyVersion: version });
    } catch (err) {
      // The version may have changed meanwhile: show the new one to read and accept.
      setError(errorMessage(err));
      setChecked(false);
    } finally {
      setBusy(false);
      await refetchMe();
    }
  };

  return (
    <section class="card" aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy Policy</h1>
      <p>Before you continue, please read the privacy policy of your service provider and confirm that you accept it.</p>
      <Show when={policy()?.url}>
        {(url) => (
          <p>
            <a href={url()} target="_blank" rel="noopener noreferrer">Read the Privacy Policy</a>{' '}
            <span class="muted">(version {policy()!.version}, opens in a new tab)</span>
          </p>
        )}
      </Show>
      <Show when={policy()?.text}>
        {(text) => (
          <section class="privacy-text" aria-label={`Privacy Policy, version ${policy()!.version}`} tabindex="0">
            <p>{text()}</p>
          </section>
        )}
      </Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <form onSubmit={accept} aria-busy={busy()}>
        <label class="check" for="privacy-accept">
          <input id="privacy-accept" type="checkbox" checked={checked()} onChange={(e) => setChecked(e.currentTarget.checked)} />
          I have read and accept the Privacy Policy
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={!checked() || busy()}>Accept</button>
          <button type="button" onClick={() => props.onSignOut()}>Sign Out</button>
        </div>
      </form>
    </section>
  );
}
