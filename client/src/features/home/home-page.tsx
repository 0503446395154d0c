import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { me } from '../../lib/session';
import { trpc } from '../../lib/trpc';
import { StatusBadge } from '../tickets/status-badge';

/** Dashboard (seed 004 §4): New Ticket and the latest tickets; more cards come with the company areas. */
export default function HomePage() {
  const [recent] = createResource(() => trpc.tickets.list.query({ status: 'active', limit: 5, scope: 'company' }));
  return (
    <>
      <div class="page-head">
        <h1>Welcome, {me()?.account?.name}</h1>
        <Show when={me()?.account?.kind === 'contact'}>
          <A class="button primary" href="/tickets?new=1">New Ticket</A>
        </Show>
      </div>
      <section class="card" aria-labelledby="open-tickets">
        <h2 id="open-tickets">Open tickets</h2>
        <Show when={recent()?.items.length} fallback={<p class="muted">No open tickets. Use New Ticket to ask for help.</p>}>
          <ul class="rows">
            <For each={recent()?.items}>
              {(t) => (
                <li>
                  <A href={`/tickets/${t.id}`}>#{t.number} {t.subject}</A> <StatusBadge status={t.status} />
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
    </>
  );
}
