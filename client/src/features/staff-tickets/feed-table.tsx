import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { formatDateTime, formatRelative, isoTime } from '../tickets/format';
import { SlaCountdown } from '../tickets/sla-countdown';
import { PriorityBadge, StatusBadge } from '../tickets/status-badge';
import type { TRow } from '../tickets/ticket-rows';

/** The live feed's rows; a row that just changed glows for a moment. */
export function FeedTable(props: { rows: TRow[]; flash: Record<number, boolean>; now: number }) {
  return (
    <table class="list feed-table">
      <caption class="sr-only">All clients' tickets, most recently updated first</caption>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Subject</th>
          <th scope="col">Company</th>
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          <th scope="col">Assignee</th>
          <th scope="col">SLA</th>
          <th scope="col">Last update</th>
        </tr>
      </thead>
      <tbody aria-live="polite" aria-relevant="additions">
        <For each={props.rows}>
          {(t) => (
            <tr classList={{ flash: !!props.flash[t.id] }} data-ticket-id={t.id}>
              <td data-label="Number">#{t.number}</td>
              <td data-label="Subject">
                <A href={`/tickets/${t.id}`}>{t.subject}</A>
                <Show when={t.requesterName}><span class="muted sub"> · {t.requesterName}</span></Show>
                <Show when={t.lastReplyBy === 'client' && t.status !== 'closed'}>
                  <span class="badge waiting">Client replied</span>
                </Show>
              </td>
              <td data-label="Company">{t.companyName}</td>
              <td data-label="Status"><StatusBadge status={t.status} /></td>
              <td data-label="Priority"><PriorityBadge priority={t.priority} /></td>
              <td data-label="Assignee">{t.assigneeName ?? <span class="muted">Unassigned</span>}</td>
              <td data-label="SLA"><SlaCountdown ticket={t} now={props.now} /></td>
              <td data-label="Last update">
                <time datetime={isoTime(t.updatedAt)} title={formatDateTime(t.updatedAt)}>{formatRelative(t.updatedAt, props.now)}</time>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
