import { createSignal, For, onCleanup, Show } from 'solid-js';
import type { TTicketStatus } from '../../../../db/schema/tickets';
import { STATUS_LABELS, STATUSES } from './status-badge';

export type TStatusFilter = TTicketStatus | 'active' | 'all';
export type TListFilters = { status: TStatusFilter; scope: 'mine' | 'company'; search: string };

/** The status choices of both lists: the active tickets by default, one status, or all. */
export function StatusOptions(props: { selected: TStatusFilter }) {
  return (
    <>
      <option value="active" selected={props.selected === 'active'}>Active (not closed)</option>
      <For each={STATUSES}>{(s) => <option value={s} selected={props.selected === s}>{STATUS_LABELS[s]}</option>}</For>
      <option value="all" selected={props.selected === 'all'}>All</option>
    </>
  );
}

/** A search box that applies as you type (after a pause) or on Enter. */
export function SearchBox(props: { id: string; value: string; label: string; onSearch: (q: string) => void }) {
  const [text, setText] = createSignal(props.value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const apply = (q: string) => {
    clearTimeout(timer);
    if (q.trim() !== props.value) props.onSearch(q.trim());
  };
  return (
    <form
      role="search"
      class="filter"
      onSubmit={(e) => {
        e.preventDefault();
        apply(text());
      }}
    >
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        value={text()}
        maxLength={200}
        placeholder="Words in the subject or a reply"
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          clearTimeout(timer);
          timer = setTimeout(() => apply(v), 350);
        }}
      />
    </form>
  );
}

/** Search, status and (Technical and Primary contacts) My Tickets / All Tickets. */
export function TicketFilters(props: { value: TListFilters; showScope: boolean; onChange: (f: Partial<TListFilters>) => void }) {
  return (
    <div class="ticket-filters">
      <SearchBox id="ticket-search" label="Search tickets" value={props.value.search} onSearch={(search) => props.onChange({ search })} />
      <div class="filter">
        <label for="status-filter">Status</label>
        <select id="status-filter" onChange={(e) => props.onChange({ status: e.currentTarget.value as TStatusFilter })}>
          <StatusOptions selected={props.value.status} />
        </select>
      </div>
      <Show when={props.showScope}>
        <div class="filter scope-switch" role="group" aria-label="Whose tickets">
          <button type="button" aria-pressed={props.value.scope === 'mine'} onClick={() => props.onChange({ scope: 'mine' })}>My Tickets</button>
          <button type="button" aria-pressed={props.value.scope === 'company'} onClick={() => props.onChange({ scope: 'company' })}>All Tickets</button>
        </div>
      </Show>
    </div>
  );
}
