import { For, Show } from 'solid-js';
import type { TTicketPriority } from '../../../../db/schema/tickets';
import { SearchBox, StatusOptions, type TStatusFilter } from '../tickets/ticket-filters';
import { PRIORITIES, PRIORITY_LABELS } from '../tickets/status-badge';

export type TFeedFilters = { assignee: 'any' | 'mine' | 'unassigned'; status: TStatusFilter; priority: TTicketPriority | ''; companyId: number | null; search: string };
export type TCompanyChoice = { id: number; name: string };

const ASSIGNEE: [TFeedFilters['assignee'], string][] = [
  ['any', 'Everyone'],
  ['unassigned', 'Unassigned'],
  ['mine', 'Mine'],
];

/** The feed's filters: Unassigned / Mine, status, priority, company and search. */
export function FeedFilters(props: { value: TFeedFilters; companies: TCompanyChoice[]; onChange: (f: Partial<TFeedFilters>) => void }) {
  return (
    <div class="ticket-filters feed-filters">
      <div class="filter scope-switch" role="group" aria-label="Assigned to">
        <For each={ASSIGNEE}>
          {([value, label]) => (
            <button type="button" aria-pressed={props.value.assignee === value} onClick={() => props.onChange({ assignee: value })}>{label}</button>
          )}
        </For>
      </div>
      <div class="filter">
        <label for="feed-status">Status</label>
        <select id="feed-status" onChange={(e) => props.onChange({ status: e.currentTarget.value as TStatusFilter })}>
          <StatusOptions selected={props.value.status} />
        </select>
      </div>
      <div class="filter">
        <label for="feed-priority">Priority</label>
        <select id="feed-priority" onChange={(e) => props.onChange({ priority: e.currentTarget.value as TFeedFilters['priority'] })}>
          <option value="" selected={!props.value.priority}>Any priority</option>
          <For each={PRIORITIES}>{(p) => <option value={p} selected={p === props.value.priority}>{PRIORITY_LABELS[p]}</option>}</For>
        </select>
      </div>
      <div class="filter">
        <label for="feed-company">Company</label>
        <select id="feed-company" onChange={(e) => props.onChange({ companyId: Number(e.currentTarget.value) || null })}>
          <option value="" selected={!props.value.companyId}>All companies</option>
          <For each={props.companies}>{(c) => <option value={String(c.id)} selected={c.id === props.value.companyId}>{c.name}</option>}</For>
          <Show when={props.value.companyId && !props.companies.some((c) => c.id === props.value.companyId)}>
            <option value={String(props.value.companyId)} selected>Company #{props.value.companyId}</option>
          </Show>
        </select>
      </div>
      <SearchBox id="feed-search" label="Search" value={props.value.search} onSearch={(search) => props.onChange({ search })} />
    </div>
  );
}
