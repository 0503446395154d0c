import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { PasswordRules } from '../../ui/password-rules';

/** Seed 002 "Set up your account": the invitation link's page. */
export default function InvitationPage() {
  const [params] = useSearchParams();
  const token = () => String(params.token ?? '');
  const [invite] = createResource(token, (t) => trpc.invitations.get.query({ token: t }).catch(() => null));
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
      await trpc.invitations.accept.mutate({
        token: token(),
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

  const join = async () => {
    setBusy(true);
    setError('');
    try {
      await trpc.invitations.join.mutate({ token: token() });
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="setup-title">
        <Show when={!invite.loading} fallback={<p>Checking your invitation…</p>}>
          <Show
            when={invite()}
            fallback={
              <>
                <h1 id="setup-title">Invalid or expired invitation</h1>
                <p>This link has already been used or has passed its 3-day window. Contact your service provider to request a new invitation.</p>
              </>
            }
          >
            {(inv) => (
              <Show
                when={!done()}
                fallback={
                  <>
                    <h1 id="setup-title">Your account is ready</h1>
                    <p>You can now sign in with {inv().email} and your {inv().hasAccount ? 'existing' : 'new'} password.</p>
                    <a class="button primary" href="/sign-in">Sign in</a>
                  </>
                }
              >
                <h1 id="setup-title">Set up your account</h1>
                <p>
                  <strong>{inv().name}</strong>
                  <br />
                  {inv().email}
                </p>
                <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
                <Show when={inv().hasAccount}>
                  <p>You already have a client portal account with this email address. Accept to add this company to it; your password stays the same.</p>
                  <button type="button" class="primary" disabled={busy()} onClick={() => void join()}>Accept invitation</button>
                </Show>
                <Show when={!inv().hasAccount}>
                <form onSubmit={submit} aria-busy={busy()}>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules" />
                  <PasswordRules id="password-rules" rules={inv().passwordRules} />
                  <Show when={errors().password}><p class="field-error" role="alert">{errors().password![0]}</p></Show>
                  <label for="confirm-password">Confirm password</label>
                  <input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required />
                  <Show when={errors().confirmPassword}><p class="field-error" role="alert">{errors().confirmPassword![0]}</p></Show>
                  <button type="submit" class="primary" disabled={busy()}>Create account</button>
                </form>
                </Show>
              </Show>
            )}
          </Show>
        </Show>
      </section>
    </main>
  );
}
