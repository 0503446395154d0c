import { createResource, createSignal, For, Show } from 'solid-js';
import { withReauth } from '../../lib/reauth';
import { trpc } from '../../lib/trpc';
import { createCredential, passkeyErrorMessage } from '../../lib/webauthn';
import { formatDateTime } from '../../lib/dates';

type TCredential = Awaited<ReturnType<typeof trpc.webauthn.list.query>>[number];

const when = (d: Date | string | null) => (d ? formatDateTime(d) : 'never');

/**
 * Account > Passkeys and security keys (up to 10): add one (named), rename, remove. Adding
 * and removing ask for the password when it is older than 5 minutes. A first key brings ten
 * recovery codes when the user has none, shown this once.
 */
export function PasskeysSection(props: { onAdded?: () => void }) {
  const [keys, { refetch }] = createResource(() => trpc.webauthn.list.query());
  const [status, { refetch: refetchStatus }] = createResource(() => trpc.twoFactor.status.query());
  const [adding, setAdding] = createSignal(false);
  const [renaming, setRenaming] = createSignal<number | null>(null);
  const [codes, setCodes] = createSignal<string[]>([]);
  const [error, setError] = createSignal('');
  const [notice, setNotice] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof Error && err.message === 'Cancelled.')) setError(passkeyErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '');
    void run(async () => {
      const options = await withReauth(() => trpc.webauthn.registrationOptions.mutate());
      const response = await createCredential(options);
      const res = await trpc.webauthn.register.mutate({ name, response });
      setAdding(false);
      setNotice(`${name.trim()} was added.`);
      if (res.recoveryCodes) setCodes(res.recoveryCodes);
      await Promise.all([refetch(), refetchStatus()]);
      if (!res.recoveryCodes) props.onAdded?.();
    });
  };

  const rename = (k: TCredential, e: SubmitEvent) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get('name') ?? '');
    void run(async () => {
      await trpc.webauthn.rename.mutate({ id: k.id, name });
      setRenaming(null);
      await refetch();
    });
  };

  const remove = (k: TCredential) =>
    void run(async () => {
      if (!window.confirm(`Remove ${k.name}? It will no longer sign you in.`)) return;
      await withReauth(() => trpc.webauthn.remove.mutate({ id: k.id }));
      setNotice(`${k.name} was removed.`);
      await Promise.all([refetch(), refetchStatus()]);
    });

  const regenerate = () =>
    void run(async () => {
      const res = await withReauth(() => trpc.twoFactor.regenerateRecoveryCodes.mutate());
      setCodes(res.recoveryCodes);
      await refetchStatus();
    });

  return (
    <section class="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys and security keys</h2>
      <p class="muted">Sign in with your fingerprint, face, screen lock or a security key instead of a code. You can add up to 10.</p>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={notice()}><p class="notice" role="status">{notice()}</p></Show>
      <Show when={codes().length}>
        <div role="region" aria-label="Recovery codes">
          <p><strong>Save these recovery codes now.</strong> Each works once, if you lose your keys; they will not be shown again.</p>
          <ul class="codes">
            <For each={codes()}>{(c) => <li><code>{c}</code></li>}</For>
          </ul>
          <button type="button" onClick={() => { setCodes([]); props.onAdded?.(); }}>I have saved my recovery codes</button>
        </div>
      </Show>
      <Show when={keys()?.length}>
        <ul class="rows" aria-label="Your passkeys and security keys">
          <For each={keys()}>
            {(k) => (
              <li>
                <Show
                  when={renaming() === k.id}
                  fallback={
                    <>
                      <strong>{k.name}</strong>{' '}
                      <span class="muted">{k.synced ? 'synced passkey' : 'on one device'} · added {when(k.createdAt)} · last used {when(k.lastUsedAt)}</span>{' '}
                      <button type="button" disabled={busy()} aria-label={`Rename ${k.name}`} onClick={() => setRenaming(k.id)}>Rename</button>{' '}
                      <button type="button" disabled={busy()} aria-label={`Remove ${k.name}`} onClick={() => remove(k)}>Remove</button>
                    </>
                  }
                >
                  <form onSubmit={(e) => rename(k, e)} aria-busy={busy()}>
                    <label for={`rename-${k.id}`}>New name for {k.name}</label>
                    <input id={`rename-${k.id}`} name="name" required maxLength={64} value={k.name} />
                    <button type="submit" class="primary" disabled={busy()}>Save name</button>{' '}
                    <button type="button" onClick={() => setRenaming(null)}>Cancel</button>
                  </form>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={adding()}
        fallback={
          <Show when={(keys()?.length ?? 0) < 10} fallback={<p class="muted">You have 10 passkeys and security keys, the most allowed. Remove one to add another.</p>}>
            <button type="button" class="primary" disabled={busy()} onClick={() => setAdding(true)}>Add a passkey or security key</button>
          </Show>
        }
      >
        <form onSubmit={add} aria-busy={busy()}>
          <label for="passkey-name">Name for this passkey or security key</label>
          <input id="passkey-name" name="name" required maxLength={64} placeholder="e.g. YubiKey, or Work laptop" />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy()}>Add</button>
            <button type="button" onClick={() => setAdding(false)}>Cancel</button>
          </div>
        </form>
      </Show>
      {/* Without an authenticator app, the recovery codes are managed here. */}
      <Show when={keys()?.length && status() && !status()!.enabled && !codes().length}>
        <p>Recovery codes left: {status()!.recoveryCodesLeft}.</p>
        <button type="button" disabled={busy()} onClick={regenerate}>Generate new recovery codes</button>
      </Show>
    </section>
  );
}
