import { createSignal, For, onCleanup, Show } from 'solid-js';
import type { TPresenceEntry } from '../../../../server/tickets/presence';
import { liveSync } from '../../lib/live';
import { trpc } from '../../lib/trpc';
import { myStaffId } from './who';

/*
 * Staff presence on a ticket: this tab says "viewing" on open and every 10 s, "typing"
 * while the reply box had input in the last 3 s, and "left" when the page closes (the
 * server also drops a tab whose live connection closes, or that stops heartbeating).
 */

const HEARTBEAT_MS = 10_000;
const TYPING_MS = 3_000;

/** Call inside the staff ticket view; returns `typed()` for the reply box's input events. */
export function createPresence(ticketId: number) {
  const [others, setOthers] = createSignal<TPresenceEntry[]>([]);
  let state: 'viewing' | 'typing' = 'viewing';
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const send = (s: 'viewing' | 'typing' | 'left') => {
    void trpc.tickets.setPresence.mutate({ ticketId, state: s }).catch(() => undefined);
  };
  const shown = (list: TPresenceEntry[]) => setOthers(list.filter((e) => e.staffId !== myStaffId()));

  send('viewing');
  const heartbeat = setInterval(() => send(state), HEARTBEAT_MS);
  // Each event is the whole list (it starts with the current one): nothing to load or resume.
  liveSync<TPresenceEntry[]>({ subscribe: (_, handlers) => trpc.tickets.onPresence.subscribe({ ticketId }, handlers), apply: shown });

  const typed = (hasText: boolean) => {
    if (closed) return;
    clearTimeout(typingTimer);
    if (!hasText) {
      if (state === 'typing') send((state = 'viewing'));
      return;
    }
    if (state !== 'typing') send((state = 'typing'));
    typingTimer = setTimeout(() => send((state = 'viewing')), TYPING_MS);
  };

  onCleanup(() => {
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(typingTimer);
    send('left');
  });
  return { others, typed };
}

/** "Alex Admin is viewing", "Taylor Tech is typing…" for the other staff on this ticket. */
export function PresenceBar(props: { others: TPresenceEntry[] }) {
  return (
    <p class="presence" aria-live="polite">
      <Show when={props.others.length}>
        <For each={props.others}>
          {(p) => (
            <span class="presence-item" data-state={p.state}>
              <span class="presence-dot" aria-hidden="true" />
              {p.state === 'typing' ? `${p.name} is typing…` : `${p.name} is viewing`}
            </span>
          )}
        </For>
      </Show>
    </p>
  );
}
