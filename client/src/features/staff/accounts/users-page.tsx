import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { errorMessage, trpc } from '../../../lib/trpc';

type TUserRow = Awaited<ReturnType<typeof trpc.admin.users.query>>['items'][number];

/**
 * Staff admins: everyone with an account at this provider, with "Unlock" (the admin's
 * alternative to Forgot Password) and "End sessions" (their open tabs are told at once).
 */
export default function UsersPage() {
  const [search, setSearch] = createSignal('');
  const [list, { refetch }] = createResource(search, (q) => trpc.admin.users.query({ search: q }));
  const [error, setError] = createSignal('');
  const [done, setDone] = createSignal('');
  const [busy, setBusy] = createSignal<number | null>(null);

  // Search as the admin types, but not a request per keystroke.
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const typed = (value: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => setSearch(value.trim()), 250);
  };

  const act = async (u: TUserRow, action: 'unlock' | 'end') => {
    setError('');
    setDone('');
    setBusy(u.id);
    try {
      if (action === 'unlock') {
        await trpc.admin.unlock.mutate({ userId: u.id });
        setDone(`${u.name} is unlocked and can sign in again.`);
      } else {
        const { count } = await trpc.admin.endSessions.mutate({ userId: u.id });
        setDone(`Ended ${count} session${count === 1 ? '' : 's'} of ${u.name}.`);
      }
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <h1 id="users-title">Users</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          clearTimeout(timer);
          setSearch(String(new FormData(e.currentTarget).get('search') ?? '').trim());
        }}
      >
        <label for="user-search">Search</label>
        <input id="user-search" name="search" type="search" maxLength={100} autocomplete="off" onInput={(e) => typed(e.currentTarget.value)} />
      </form>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <p class="muted" aria-live="polite">{done()}</p>
      <Show when={list.error}>{(err) => <p class="error" role="alert">{errorMessage(err())}</p>}</Show>
      <Show when={!list.error && list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show when={list()!.items.length} fallback={<p class="muted">Nobody matches that search.</p>}>
          <table class="list admin-table" aria-labelledby="users-title">
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">Email</th><th scope="col">Accounts</th><th scope="col">Status</th>
                <th scope="col">Two-factor</th><th scope="col">Active sessions</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              <For each={list()!.items}>
                {(u) => (
                  <tr>
                    <td data-label="Name">{u.name}<Show when={u.you}> <span class="badge">You</span></Show></td>
                    <td data-label="Email">{u.email}</td>
                    <td data-label="Accounts">{u.accounts.join(', ')}</td>
                    <td data-label="Status">
                      <Show when={u.lockedAt} fallback="Active"><span class="badge locked">Locked</span></Show>
                      <Show when={u.failedAttempts > 0}>
                        {' '}<span class="muted">{u.failedAttempts} failed attempt{u.failedAttempts === 1 ? '' : 's'}</span>
                      </Show>
                    </td>
                    <td data-label="Two-factor">{u.twoFactor ? 'On' : 'Off'}</td>
                    <td data-label="Active sessions">{u.activeSessions}</td>
                    <td data-label="Actions" class="row-actions">
                      <Show when={u.lockedAt || u.failedAttempts > 0}>
                        <button type="button" disabled={busy() === u.id} aria-label={`Unlock ${u.name}, ${u.email}`} onClick={() => act(u, 'unlock')}>
                          Unlock
                        </button>
                      </Show>
                      {/* The admin's own current session stays: the server keeps it whatever is asked. */}
                      <button
                        type="button"
                        disabled={busy() === u.id || u.activeSessions === 0 || (u.you && u.activeSessions <= 1)}
                        aria-label={`${u.you ? 'End other sessions' : 'End sessions'} of ${u.name}, ${u.email}`}
                        onClick={() => act(u, 'end')}
                      >
                        {u.you ? 'End other sessions' : 'End sessions'}
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={list()!.truncated}><p class="muted">Showing the first {list()!.items.length}. Search to narrow the list.</p></Show>
        </Show>
      </Show>
    </>
  );
}
