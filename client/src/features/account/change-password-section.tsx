import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { PasswordRules } from '../../ui/password-rules';

/** Account > Change password: current password, then the new one twice. */
export function ChangePasswordSection() {
  const [rules] = createResource(() => trpc.account.passwordRules.query());
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [done, setDone] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    setBusy(true);
    setError('');
    setErrors({});
    setDone('');
    try {
      const res = await trpc.account.changePassword.mutate({
        currentPassword: String(form.get('currentPassword') ?? ''),
        password: String(form.get('password') ?? ''),
        confirmPassword: String(form.get('confirmPassword') ?? ''),
      });
      formEl.reset();
      setDone(
        res.endedSessions
          ? `Your password was changed. ${res.endedSessions} other session${res.endedSessions === 1 ? ' was' : 's were'} signed out.`
          : 'Your password was changed.',
      );
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => <Show when={errors()[name]}><p class="field-error">{errors()[name]![0]}</p></Show>;
  return (
    <section class="card" aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change password</h2>
      <Show when={done()}><p class="notice" role="status">{done()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <form onSubmit={submit} aria-busy={busy()}>
        <label for="current-password">Current password</label>
        <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required />
        {fieldError('currentPassword')}
        <label for="change-new-password">New password</label>
        <input id="change-new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="change-password-rules" />
        <PasswordRules id="change-password-rules" rules={rules()} />
        {fieldError('password')}
        <label for="change-confirm-password">Confirm new password</label>
        <input id="change-confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required />
        {fieldError('confirmPassword')}
        <button type="submit" class="primary" disabled={busy()}>Change password</button>
      </form>
    </section>
  );
}
