import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';

type TField = 'identifier' | 'name' | 'email' | 'companyName';

/** "Request access" from the sign-in page: one answer for every accepted request. */
export default function RequestAccessPage() {
  const [form] = createResource(() => trpc.accessRequests.needsIdentifier.query());
  const [sent, setSent] = createSignal('');
  const [error, setError] = createSignal('');
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const value = (k: TField) => String(data.get(k) ?? '');
    setBusy(true);
    setError('');
    setErrors({});
    try {
      const res = await trpc.accessRequests.request.mutate({
        identifier: form()?.needsIdentifier ? value('identifier') : undefined,
        name: value('name'),
        email: value('email'),
        companyName: value('companyName'),
      });
      setSent(res.message);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  // The field's own message, tied to the input so screen readers announce it with the field.
  const problem = (k: TField) => (
    <Show when={errors()[k]}><p id={`${k}-error`} class="field-error">{errors()[k]![0]}</p></Show>
  );
  const describe = (k: TField) => ({ 'aria-invalid': errors()[k] ? true : undefined, 'aria-describedby': errors()[k] ? `${k}-error` : undefined });

  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="request-title">
        <h1 id="request-title">Request access</h1>
        <Show
          when={!sent()}
          fallback={
            <>
              <p role="status">{sent()}</p>
              <a href="/sign-in">Back to Sign in</a>
            </>
          }
        >
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
          <form onSubmit={submit} aria-busy={busy()}>
            <Show when={form()?.needsIdentifier}>
              <label for="identifier">Service provider identifier</label>
              <input id="identifier" name="identifier" autocomplete="off" autocapitalize="none" maxLength={32} required {...describe('identifier')} />
              {problem('identifier')}
            </Show>
            <label for="name">Your name</label>
            <input id="name" name="name" autocomplete="name" maxLength={120} required {...describe('name')} />
            {problem('name')}
            <label for="email">Email address</label>
            <input id="email" name="email" type="email" autocomplete="email" maxLength={254} required {...describe('email')} />
            {problem('email')}
            <label for="company-name">Your company name</label>
            <input id="company-name" name="companyName" autocomplete="organization" maxLength={120} required {...describe('companyName')} />
            {problem('companyName')}
            <button type="submit" class="primary" disabled={busy() || form.loading}>Request access</button>
          </form>
          <p><a href="/sign-in">Back to Sign in</a></p>
        </Show>
      </section>
    </main>
  );
}
