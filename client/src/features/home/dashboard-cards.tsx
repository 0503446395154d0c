import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { liveRefetch } from '../../lib/live';
import { trpc } from '../../lib/trpc';
import { StatusBadge } from '../tickets/status-badge';

type TDashboard = Awaited<ReturnType<typeof trpc.dashboard.get.query>>;
type TExpiringCard = NonNullable<TDashboard['expiring']>['domains'];

const money = (minor: number, currency: string) => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);

/** The Home page cards (seed 004 §4); they refetch when staff change what is behind them. */
export function DashboardCards() {
  const [data, { refetch }] = createResource(() => trpc.dashboard.get.query());
  const [flash, setFlash] = createSignal(false);
  // Several events often arrive together (a ticket and its list row): refetch once for them.
  liveRefetch(
    (lastEventId, handlers) => trpc.dashboard.onChange.subscribe({ lastEventId }, handlers),
    () => {
      void refetch();
      setFlash(true);
      setTimeout(() => setFlash(false), 1500);
    },
    { burstMs: 150 },
  );

  return (
    <Show when={data()} fallback={<p>Loading…</p>}>
      {(d) => (
        <div class="cards" classList={{ updated: flash() }}>
          <section class="card" aria-labelledby="card-tickets">
            <h2 id="card-tickets">Open tickets</h2>
            <Show when={d().tickets.items.length} fallback={<p class="muted">No open tickets. Use New Ticket to ask for help.</p>}>
              <ul class="rows">
                <For each={d().tickets.items}>
                  {(t) => <li><A href={`/tickets/${t.id}`}>#{t.number} {t.subject}</A> <StatusBadge status={t.status} /></li>}
                </For>
              </ul>
            </Show>
            <A href="/tickets">All your tickets</A>
          </section>
          <Show when={d().assignedAssets}>
            {(a) => (
              <section class="card" aria-labelledby="card-assets">
                <h2 id="card-assets">Your assigned assets</h2>
                <Show when={a().count} fallback={<p class="muted">No assets are assigned to you.</p>}>
                  <ul class="rows"><For each={a().items}>{(x) => <li>{x.name} <span class="muted">{x.type}</span></li>}</For></ul>
                  <A href="/assets">View your assets</A>
                </Show>
              </section>
            )}
          </Show>
          <Show when={d().finance}>
            {(f) => (
              <>
                <section class="card" aria-labelledby="card-balance">
                  <h2 id="card-balance">Account balance</h2>
                  <p class="big" data-testid="account-balance">{money(f().accountBalanceMinor, f().currency)}</p>
                  <Show when={f().overdueCount}><p class="overdue">{f().overdueCount} overdue: {money(f().overdueMinor, f().currency)}</p></Show>
                  <A href="/finance/invoices">View invoices</A>
                </section>
                <section class="card" aria-labelledby="card-recurring">
                  <h2 id="card-recurring">Recurring monthly</h2>
                  <p class="big" data-testid="recurring-monthly">{money(f().recurringMonthlyMinor, f().currency)}</p>
                  <A href="/finance/recurring">View recurring invoices</A>
                </section>
              </>
            )}
          </Show>
          <Show when={d().expiring}>
            {(x) => (
              <>
                <ExpiringCard id="card-domains" title="Domains expiring" card={x().domains} href="/technical/domains" />
                <ExpiringCard id="card-certificates" title="Certificates expiring" card={x().certificates} href="/technical/certificates" />
                <ExpiringCard id="card-warranties" title="Asset warranties expiring" card={x().warranties} href="/technical/assets" />
              </>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}

function ExpiringCard(props: { id: string; title: string; card: TExpiringCard; href: string }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <Show when={props.card.count} fallback={<p class="muted">Nothing expires in the next 45 days.</p>}>
        <p class="big">{props.card.count}</p>
        <ul class="rows">
          <For each={props.card.items}>
            {(i) => (
              <li>
                {i.name} <span class="muted">{i.companyName}</span>{' '}
                <Show when={i.badge}>{(b) => <span class={`badge ${b().state}`}>{b().label}</span>}</Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <A href={props.href}>View all</A>
    </section>
  );
}
