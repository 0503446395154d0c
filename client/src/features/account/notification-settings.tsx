import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';

type TSetting = Awaited<ReturnType<typeof trpc.notifications.settings.query>>[number];

/** Account > Email notifications: one checkbox per kind of ticket email, saved on change. */
export function NotificationSettings() {
  // Hidden, rather than an error, while no account is chosen yet (the list depends on it).
  const [settings] = createResource(() => trpc.notifications.settings.query().catch(() => null));
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal('');
  const toggle = async (box: HTMLInputElement, s: TSetting) => {
    setError('');
    setSaved('');
    try {
      await trpc.notifications.setSetting.mutate({ kind: s.kind, enabled: box.checked });
      setSaved(`Saved: emails for “${s.label}” are ${box.checked ? 'on' : 'off'}.`);
    } catch (err) {
      box.checked = !box.checked; // not saved: show the stored value again
      setError(errorMessage(err));
    }
  };
  return (
    <Show when={settings()?.length}>
      <section class="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Email notifications</h2>
        <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
        <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
        <fieldset class="plain">
          <legend class="muted">Email me when:</legend>
          <For each={settings()!}>
            {(s) => (
              <label class="check">
                <input type="checkbox" name={s.kind} checked={s.enabled} onChange={(e) => void toggle(e.currentTarget, s)} /> {s.label}
              </label>
            )}
          </For>
        </fieldset>
        <p class="muted">You can reply directly to a notification email: your reply is added to the ticket.</p>
      </section>
    </Show>
  );
}
