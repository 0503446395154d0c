import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { ExpiryBadge, formatDay } from './shared';

export type TAssetRow = Awaited<ReturnType<typeof trpc.technical.assets.query>>['items'][number];

/** Assets as a table (cards on a phone); `href` says where a name links to. */
export function AssetTable(props: { items: TAssetRow[]; href: (a: TAssetRow) => string; label: string; showAssigned?: boolean }) {
  return (
    <table class="list tech-table" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Name</th><th scope="col">Type</th><th scope="col">Make and model</th><th scope="col">Serial number</th>
          <th scope="col">Warranty expiry</th>
          <Show when={props.showAssigned !== false}><th scope="col">Assigned to</th></Show>
        </tr>
      </thead>
      <tbody>
        <For each={props.items}>
          {(a) => (
            <tr>
              <td data-label="Name"><A href={props.href(a)}>{a.name}</A><Show when={a.archived}> <span class="badge">Archived</span></Show></td>
              <td data-label="Type">{a.type}</td>
              <td data-label="Make and model">{[a.make, a.model].filter(Boolean).join(' ') || '—'}</td>
              <td data-label="Serial number">{a.serialNumber ?? '—'}</td>
              <td data-label="Warranty expiry">{formatDay(a.warrantyExpiry)} <ExpiryBadge badge={a.warrantyBadge} /></td>
              <Show when={props.showAssigned !== false}><td data-label="Assigned to">{a.assignedContactName ?? '—'}</td></Show>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
