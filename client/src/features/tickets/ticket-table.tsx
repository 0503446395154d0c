import { A } from '@solidjs/router';
import { For } from 'solid-js';
import { formatDateTime, formatRelative, isoTime } from './format';
import { PriorityBadge, StatusBadge } from './status-badge';
import type { TRow } from './ticket-rows';

/** The portal's ticket list (seed 004 §6): number, subject, status, last update, priority. */
export function TicketTable(props: { rows: TRow[]; flash: Record<number, boolean>; now: number }) {
  return (
    <table class="list tickets-table">
      <caption class="sr-only">Tickets, most recently updated first</caption>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Subject</th>
          <th scope="col">Status</th>
          <th scope="col">Last update</th>
          <th scope="col">Priority</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(t) => (
            <tr classList={{ flash: !!props.flash[t.id] }} data-ticket-id={t.id}>
              <td data-label="Number">#{t.number}</td>
              <td data-label="Subject">
                <A href={`/tickets/${t.id}`}>{t.subject}</A>
              </td>
              <td data-label="Status"><StatusBadge status={t.status} /></td>
              <td data-label="Last update">
                <time datetime={isoTime(t.updatedAt)} title={formatDateTime(t.updatedAt)}>{formatRelative(t.updatedAt, props.now)}</time>
              </td>
              <td data-label="Priority"><PriorityBadge priority={t.priority} /></td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
