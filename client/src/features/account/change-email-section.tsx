import { createSignal, Show } from 'solid-js';
import { withReauth } from '../../lib/reauth';
import { errorMessage, trpc } from '../../lib/trpc';

/** Account > Email address: a link goes to the new address; nothing changes until it is used. */
export function ChangeEmailSection(props: { current: string }) {
  const [error, setError] = createSignal('');
  const [sentTo, setSentTo] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const newEmail = String(new FormData(e.currentTarget as HTMLFormElement).get('newEmail') ?? '');
    setBusy(true);
    setError('');
    setSentTo('');
    try {
      const res = await withReauth(() => trpc.account.changeEmail.mutate({ newEmail }));
      setSentTo(res.sentTo);
    } catch (err) {
      if (!(err instanceof Error && err.message === 'Cancelled.')) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p>You sign in with <strong>{props.current}</strong>.</p>
      <Show when={sentTo()}>
        <p class="notice" role="status">We sent a confirmation link to {sentTo()}. Your email address changes when you open it.</p>
      </Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <form onSubmit={submit} aria-busy={busy()}>
        <label for="new-email">New email address</label>
        <input id="new-email" name="newEmail" type="email" autocomplete="email" required />
        <button type="submit" disabled={busy()}>Change email</button>
      </form>
    </section>
  );
}
