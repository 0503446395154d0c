import { A, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, on, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { liveSync, type TLiveEvent } from '../../lib/live';
import { createNow } from './sla';
import { TicketFilters, type TListFilters } from './ticket-filters';
import { createTicketRows, type TMatch } from './ticket-rows';
import { myContactId } from './who';
import { TicketTable } from './ticket-table';

const PAGE = 25;

/** Tickets (seed 004 §6): search, status and scope filters, paged, and live without reloads. */
export default function TicketsPage() {
  const [params, setParams] = useSearchParams<{ status?: string; scope?: string; q?: string }>();
  const contact = () => (me()?.account?.kind === 'contact' ? me()!.account! : null);
  const canSeeCompany = () => !!contact() && !!me()?.areas.allCompanyTickets;
  const filters = (): TListFilters => ({
    status: (params.status as TListFilters['status']) || 'active',
    scope: canSeeCompany() && params.scope === 'company' ? 'company' : 'mine',
    search: params.q?.trim() ?? '',
  });

  /** Mirrors the server's list rules, so live events land only where a re-read would put them. */
  const matches = (): TMatch => {
    const f = filters();
    const who = myContactId();
    return (t) => {
      if (f.status === 'active' ? t.status === 'closed' : f.status !== 'all' && t.status !== f.status) return false;
      if (who !== null && f.scope === 'mine' && t.requesterContactId !== who && !t.watcherContactIds.includes(who)) return false;
      return f.search ? 'known' : true;
    };
  };

  const list = createTicketRows(matches);
  const now = createNow();
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal('');
  const [more, setMore] = createSignal(false);
  let token = 0;

  const query = (cursorValue?: string) => {
    const f = filters();
    return trpc.tickets.list.query({ status: f.status, scope: f.scope, search: f.search || undefined, cursor: cursorValue, limit: PAGE });
  };

  const sync = liveSync<TLiveEvent>({
    subscribe: (lastEventId, handlers) => trpc.tickets.onList.subscribe({ lastEventId }, handlers),
    load: async () => {
      const mine = ++token;
      try {
        const page = await query();
        if (mine !== token) return; // a newer filter has been asked for meanwhile
        list.replace(page.items);
        setCursor(page.nextCursor);
        setError('');
      } catch (err) {
        if (mine === token) setError(errorMessage(err));
        throw err;
      } finally {
        if (mine === token) setLoaded(true);
      }
    },
    apply: list.apply,
  });

  const setFilters = (next: Partial<TListFilters>) => {
    const f = { ...filters(), ...next };
    setParams({ status: f.status === 'active' ? undefined : f.status, scope: f.scope === 'mine' ? undefined : f.scope, q: f.search || undefined });
  };
  // A new filter (from the controls, or Back and Forward) reads the first page again.
  createEffect(on(() => JSON.stringify(filters()), () => void sync.resync(), { defer: true }));

  const loadMore = async () => {
    const c = cursor();
    if (!c) return;
    setMore(true);
    const mine = token;
    try {
      const page = await query(c);
      if (mine !== token) return;
      list.append(page.items);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setMore(false);
    }
  };

  /** What an empty list says: how to start, or that the filters hide everything. */
  const empty = () => {
    const f = filters();
    if (f.search || (f.status !== 'active' && f.status !== 'all')) return 'No tickets match these filters. Try another status or search.';
    const start = contact() ? ' Use New Ticket to ask for help.' : '';
    return f.status === 'active' ? `No open tickets.${start}` : `No tickets yet.${start}`;
  };

  return (
    <>
      <div class="page-head">
        <h1>Tickets</h1>
        <Show when={contact()}>
          <A class="button primary" href="/tickets/new">New Ticket</A>
        </Show>
        <Show when={me()?.areas.staffConsole}>
          <A class="button" href="/staff/tickets">Open the live Ticket feed</A>
        </Show>
      </div>
      <TicketFilters value={filters()} showScope={canSeeCompany()} onChange={setFilters} />
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <Show when={loaded()} fallback={<p aria-busy="true">Loading tickets…</p>}>
        <Show
          when={list.state.rows.length}
          fallback={
            <p class="empty card">
              {empty()}
            </p>
          }
        >
          <TicketTable rows={list.state.rows} flash={list.state.flash} now={now()} />
        </Show>
        <Show when={cursor()}>
          <div class="actions load-more">
            <button type="button" onClick={loadMore} disabled={more()} aria-busy={more()}>
              {more() ? 'Loading…' : 'Load more'}
            </button>
          </div>
        </Show>
      </Show>
    </>
  );
}
