import { createResource, createSignal, For, Show } from 'solid-js';
import { trpc } from '../../../lib/trpc';
import { formatDateTime } from '../../../lib/dates';

/** Every email the portal sent or still holds; with no relay configured, mail waits here. */
export default function OutgoingMailPage() {
  const [mail] = createResource(() => trpc.outbox.list.query({}));
  const [open, setOpen] = createSignal<number | null>(null);
  return (
    <>
      <h1>Outgoing mail</h1>
      <Show when={mail()} fallback={<p>Loading…</p>}>
        <Show when={mail()!.items.length} fallback={<p class="muted">No email has been sent yet.</p>}>
          <ul class="rows">
            <For each={mail()!.items}>
              {(m) => (
                <li>
                  <button type="button" class="link" aria-expanded={open() === m.id} onClick={() => setOpen(open() === m.id ? null : m.id)}>
                    {m.subject}
                  </button>{' '}
                  <span class="muted">to {m.toAddress} · {m.status} · {formatDateTime(m.createdAt)}</span>
                  <Show when={open() === m.id}><pre class="mail-body">{m.textBody}</pre></Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </>
  );
}
