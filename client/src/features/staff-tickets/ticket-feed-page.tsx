import { useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, on, Show } from 'solid-js';
import type { TTicketPriority } from '../../../../db/schema/tickets';
import { errorMessage, trpc } from '../../lib/trpc';
import { liveSync, type TLiveEvent } from '../../lib/live';
import { createNow, slaLines } from '../tickets/sla';
import { myStaffId } from '../tickets/who';
import type { TStatusFilter } from '../tickets/ticket-filters';
import { createTicketRows, type TMatch } from '../tickets/ticket-rows';
import { FeedFilters, type TCompanyChoice, type TFeedFilters } from './feed-filters';
import { FeedTable } from './feed-table';

const PAGE = 50;
type TParams = { assignee?: string; status?: string; priority?: string; company?: string; q?: string };

/** /staff/tickets: every client's tickets, live — new tickets, replies and changes appear at once. */
export default function TicketFeedPage() {
  const [params, setParams] = useSearchParams<TParams>();
  const filters = (): TFeedFilters => ({
    assignee: params.assignee === 'mine' || params.assignee === 'unassigned' ? params.assignee : 'any',
    status: (params.status as TStatusFilter) || 'active',
    priority: (params.priority as TTicketPriority) || '',
    companyId: Number(params.company) || null,
    search: params.q?.trim() ?? '',
  });

  /** The server's feed rules, so a live event lands only where a re-read would put it. */
  const matches = (): TMatch => {
    const f = filters();
    const mine = myStaffId();
    return (t) => {
      if (f.assignee === 'mine' && t.assigneeStaffId !== mine) return false;
      if (f.assignee === 'unassigned' && t.assigneeStaffId !== null) return false;
      if (f.status === 'active' ? t.status === 'closed' : f.status !== 'all' && t.status !== f.status) return false;
      if (f.priority && t.priority !== f.priority) return false;
      if (f.companyId && t.companyId !== f.companyId) return false;
      return f.search ? 'known' : true;
    };
  };

  const feed = createTicketRows(matches);
  const now = createNow(30_000);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal('');
  const [more, setMore] = createSignal(false);
  let token = 0;

  const query = (cursorValue?: string) => {
    const f = filters();
    return trpc.tickets.feed.query({
      assignee: f.assignee,
      status: f.status,
      priority: f.priority || undefined,
      companyId: f.companyId ?? undefined,
      search: f.search || undefined,
      cursor: cursorValue,
      limit: PAGE,
    });
  };

  const sync = liveSync<TLiveEvent>({
    subscribe: (lastEventId, handlers) => trpc.tickets.onFeed.subscribe({ lastEventId }, handlers),
    load: async () => {
      const mine = ++token;
      try {
        const page = await query();
        if (mine !== token) return;
        feed.replace(page.items);
        setCursor(page.nextCursor);
        setError('');
      } catch (err) {
        if (mine === token) setError(errorMessage(err));
        throw err;
      } finally {
        if (mine === token) setLoaded(true);
      }
    },
    apply: feed.apply,
  });

  // The company list for the filter; the rows' own companies fill in if it cannot be read.
  const [companyList] = createResource(() => trpc.people.companies.query({}).catch(() => [] as TCompanyChoice[]));
  const companies = createMemo<TCompanyChoice[]>(() => {
    const byId = new Map<number, TCompanyChoice>((companyList() ?? []).map((c) => [c.id, { id: c.id, name: c.name }]));
    for (const r of feed.state.rows) if (!byId.has(r.companyId)) byId.set(r.companyId, { id: r.companyId, name: r.companyName });
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  });

  const setFilters = (next: Partial<TFeedFilters>) => {
    const f = { ...filters(), ...next };
    setParams({
      assignee: f.assignee === 'any' ? undefined : f.assignee,
      status: f.status === 'active' ? undefined : f.status,
      priority: f.priority || undefined,
      company: f.companyId ? String(f.companyId) : undefined,
      q: f.search || undefined,
    });
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
      feed.append(page.items);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setMore(false);
    }
  };

  const overdue = () => feed.state.rows.filter((t) => slaLines(t, now()).some((l) => l.overdue)).length;

  return (
    <>
      <div class="page-head">
        <h1>Ticket feed</h1>
        <Show when={overdue()}>
          <p class="sla-summary sla-overdue">{overdue() === 1 ? '1 ticket has missed an SLA target' : `${overdue()} tickets have missed an SLA target`}</p>
        </Show>
      </div>
      <FeedFilters value={filters()} companies={companies()} onChange={setFilters} />
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <Show when={loaded()} fallback={<p aria-busy="true">Loading tickets…</p>}>
        <Show when={feed.state.rows.length} fallback={<p class="empty card">No tickets match these filters. New tickets appear here as soon as clients raise them.</p>}>
          <FeedTable rows={feed.state.rows} flash={feed.state.flash} now={now()} />
        </Show>
        <Show when={cursor()}>
          <div class="actions load-more">
            <button type="button" onClick={loadMore} disabled={more()} aria-busy={more()}>{more() ? 'Loading…' : 'Load more'}</button>
          </div>
        </Show>
      </Show>
    </>
  );
}
