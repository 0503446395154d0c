import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { PasswordRules } from '../../ui/password-rules';

/** Seed 002 "Set new password": New password + Confirm new password → Reset password. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  // A dead link says so before anyone types a new password.
  const [link] = createResource(
    () => String(params.token ?? ''),
    (token) => trpc.passwordReset.check.query({ token }).catch(() => null),
  );
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    setErrors({});
    try {
      await trpc.passwordReset.reset.mutate({
        token: String(params.token ?? ''),
        password: String(form.get('password') ?? ''),
        confirmPassword: String(form.get('confirmPassword') ?? ''),
      });
      setDone(true);
    } catch (err) {
      // A field's error is shown once, beside its field; the banner only when the error is about something else.
      const byField = fieldErrors(err);
      setErrors(byField);
      const besideFields = Object.keys(byField).length > 0 && Object.keys(byField).every((f) => f === 'password' || f === 'confirmPassword');
      setError(besideFields ? '' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="reset-title">
        <Show
          when={!done()}
          fallback={
            <>
              <h1 id="reset-title">Your password was reset</h1>
              <p>Every session of your account was signed out. Sign in with your new password.</p>
              <a class="button primary" href="/sign-in">Sign in</a>
            </>
          }
        >
          <Show when={!link.loading} fallback={<p>Checking your link…</p>}>
          <Show when={link()} fallback={
            <>
              <h1 id="reset-title">Invalid or expired link</h1>
              <p>This reset link has already been used, was replaced by a newer one, or has expired. <a href="/forgot-password">Request a new one</a>.</p>
            </>
          }>
          <h1 id="reset-title">Set new password</h1>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
              <Show when={error() === 'Invalid or expired link'}>
                {' '}— <a href="/forgot-password">request a new one</a>.
              </Show>
            </p>
          </Show>
          <form onSubmit={submit} aria-busy={busy()}>
            <label for="new-password">New password</label>
            <input id="new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="new-password-rules" />
            <PasswordRules id="new-password-rules" rules={link()?.passwordRules} />
            <Show when={errors().password}><p class="field-error" role="alert">{errors().password![0]}</p></Show>
            <label for="confirm-new-password">Confirm new password</label>
            <input id="confirm-new-password" name="confirmPassword" type="password" autocomplete="new-password" required />
            <Show when={errors().confirmPassword}><p class="field-error" role="alert">{errors().confirmPassword![0]}</p></Show>
            <button type="submit" class="primary" disabled={busy()}>Reset password</button>
          </form>
          </Show>
          </Show>
        </Show>
      </section>
    </main>
  );
}
