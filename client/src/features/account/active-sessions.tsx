import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { formatDateTime } from '../../lib/dates';

const DEVICE = { desktop: 'Desktop', tablet: 'Tablet', mobile: 'Mobile' } as const;

/** "Active sessions" with "End session": the ended tabs are told live and go to sign-in. */
export function ActiveSessions() {
  const [list, { refetch }] = createResource(() => trpc.account.sessions.query());
  const [error, setError] = createSignal('');
  const end = async (ref: string) => {
    setError('');
    try {
      await trpc.account.endSession.mutate({ sessionRef: ref });
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Active sessions</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <ul class="rows">
        <For each={list()}>
          {(s) => (
            <li>
              <strong>{DEVICE[s.deviceClass]} · {s.browser}</strong>{' '}
              <span class="muted">
                {s.ip} · signed in {formatDateTime(s.createdAt)} · last active {formatDateTime(s.lastActiveAt)}
              </span>{' '}
              <Show when={!s.current} fallback={<span class="badge">This device</span>}>
                <button type="button" onClick={() => end(s.ref)} aria-label={`End session: ${DEVICE[s.deviceClass]} ${s.browser}, signed in ${formatDateTime(s.createdAt)}, last active ${formatDateTime(s.lastActiveAt)}`}>
                  End session
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
