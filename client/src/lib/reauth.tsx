import { TRPCClientError } from '@trpc/client';
import { createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from './trpc';

type TPending = { resolve: () => void; reject: (e: Error) => void };
const [pending, setPending] = createSignal<TPending | null>(null);

const needsReauth = (err: unknown) =>
  err instanceof TRPCClientError && (err.data as { reauthRequired?: boolean } | undefined)?.reauthRequired === true;

/**
 * Runs a sensitive call; when the server asks for the password again (older than 5
 * minutes), shows "Confirm your password" and retries once it was given.
 */
export async function withReauth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!needsReauth(err)) throw err;
    await new Promise<void>((resolve, reject) => setPending({ resolve, reject }));
    return call();
  }
}

/** The dialog `withReauth` opens; mount once on pages that make sensitive changes. */
export function ReauthDialog() {
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const close = (ok: boolean) => {
    const p = pending();
    setPending(null);
    setError('');
    if (ok) p?.resolve();
    else p?.reject(new Error('Cancelled.'));
  };
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      await trpc.account.reauthenticate.mutate({ password: String(form.get('password') ?? '') });
      close(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Show when={pending()}>
      <div class="dialog-backdrop">
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="reauth-title">
          <h2 id="reauth-title">Confirm your password</h2>
          <p class="muted">For your security, enter your password again to make this change.</p>
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
          <form onSubmit={submit} aria-busy={busy()}>
            <label for="reauth-password">Password</label>
            <input id="reauth-password" name="password" type="password" autocomplete="current-password" required autofocus />
            <div class="actions">
              <button type="submit" class="primary" disabled={busy()}>Confirm</button>
              <button type="button" onClick={() => close(false)}>Cancel</button>
            </div>
          </form>
        </div>
      </div>
    </Show>
  );
}
