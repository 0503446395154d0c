import { useSearchParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';

/** The link from "Change email", opened from the new mailbox. */
export default function ConfirmEmailPage() {
  const [params] = useSearchParams();
  // A mutation, not a query: opening the page is the user's act of confirming.
  const [result] = createResource(
    () => String(params.token ?? ''),
    (token) =>
      trpc.auth.confirmEmail
        .mutate({ token })
        .then((r) => ({ ok: true as const, email: r.email }))
        .catch((err: unknown) => ({ ok: false as const, message: errorMessage(err) })),
  );
  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="confirm-email-title">
        <Show when={result()} fallback={<p>Confirming…</p>}>
          {(r) => (
            <Show
              when={r().ok}
              fallback={
                <>
                  <h1 id="confirm-email-title">Email address not changed</h1>
                  <p class="error" role="alert">{(r() as { message: string }).message}</p>
                </>
              }
            >
              <h1 id="confirm-email-title">Email address changed</h1>
              <p>From now on, sign in with {(r() as { email: string }).email}.</p>
              <a class="button primary" href="/">Continue</a>
            </Show>
          )}
        </Show>
      </section>
    </main>
  );
}
