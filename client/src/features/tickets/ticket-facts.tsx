import { For, Show } from 'solid-js';
import { formatDateTime, formatMinutes, formatRelative, isoTime } from './format';
import { SlaCountdown } from './sla-countdown';
import { PriorityBadge, StatusBadge } from './status-badge';
import type { TTicketView } from './ticket-store';

/** Status, priority, category, people, time and (staff) SLA of a ticket; fields that just changed glow briefly. */
export function TicketFacts(props: { view: TTicketView; changed: Record<string, boolean>; now: number; staff: boolean }) {
  const t = () => props.view.ticket;
  return (
    <dl class="facts ticket-facts">
      <div classList={{ changed: !!props.changed.status }}>
        <dt>Status</dt>
        <dd><StatusBadge status={t().status} /></dd>
      </div>
      <div classList={{ changed: !!props.changed.priority }}>
        <dt>Priority</dt>
        <dd><PriorityBadge priority={t().priority} /></dd>
      </div>
      <div classList={{ changed: !!props.changed.category }}>
        <dt>Category</dt>
        <dd>{t().category ?? 'None'}</dd>
      </div>
      <div classList={{ changed: !!props.changed.assignee }}>
        <dt>Assigned technician</dt>
        <dd>{t().assigneeName ?? 'Not assigned yet'}</dd>
      </div>
      <div>
        <dt>Requester</dt>
        <dd>{props.view.requesterName ?? '—'}<Show when={props.staff}> · {props.view.companyName}</Show></dd>
      </div>
      <div classList={{ changed: !!props.changed.watcherContactIds }}>
        <dt>Watchers</dt>
        <dd>
          <Show when={props.view.watchers.length} fallback="None">
            <For each={props.view.watchers}>{(w, i) => <>{i() ? ', ' : ''}{w.name}</>}</For>
          </Show>
        </dd>
      </div>
      <Show when={props.view.timeSpentMinutes}>
        <div classList={{ changed: !!props.changed.time }}>
          <dt>Time spent</dt>
          <dd>{formatMinutes(props.view.timeSpentMinutes!)}</dd>
        </div>
      </Show>
      <div>
        <dt>Raised</dt>
        <dd><time datetime={isoTime(t().createdAt)}>{formatDateTime(t().createdAt)}</time></dd>
      </div>
      <div>
        <dt>Last update</dt>
        <dd><time datetime={isoTime(t().updatedAt)} title={formatDateTime(t().updatedAt)}>{formatRelative(t().updatedAt, props.now)}</time></dd>
      </div>
      <Show when={props.staff}>
        <div>
          <dt>SLA</dt>
          <dd><SlaCountdown ticket={t()} now={props.now} /></dd>
        </div>
      </Show>
    </dl>
  );
}
