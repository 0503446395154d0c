import { useLocation } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';

/** Seed 002 "Forgot password?": Email address → Send reset link → a reply that reveals nothing. */
export default function ForgotPasswordPage() {
  // The email typed on the sign-in step (its "Forgot password?" link carries it), else a remembered one.
  const carried = (useLocation().state as { email?: unknown } | undefined)?.email;
  const [email, setEmail] = createSignal(typeof carried === 'string' && carried ? carried : localStorage.getItem('portico.rememberedEmail') ?? '');
  const [sent, setSent] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      setSent((await trpc.passwordReset.request.mutate({ email: email() })).message);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Forgot password?</h1>
        <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
        <Show
          when={!sent()}
          fallback={
            <>
              <p role="status">{sent()}</p>
              <p class="muted">Check your spam folder if it does not arrive in a few minutes.</p>
              <a href="/sign-in">Back to Sign in</a>
            </>
          }
        >
          <form onSubmit={submit} aria-busy={busy()}>
            <label for="email">Email address</label>
            <input id="email" type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
            <button type="submit" class="primary" disabled={busy()}>Send reset link</button>
          </form>
          <p><a href="/sign-in">Back to Sign in</a></p>
        </Show>
      </section>
    </main>
  );
}
