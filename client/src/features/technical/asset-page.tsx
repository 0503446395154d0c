import { A, useLocation, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { ExpiryBadge, formatDay, onTechnicalChange } from './shared';

/** One asset's details; reached from Technical > Assets or from My assets. */
export default function AssetPage() {
  const params = useParams();
  const mine = useLocation().pathname.startsWith('/assets');
  const [asset, { refetch }] = createResource(() => Number(params.id), (id) => trpc.technical.asset.query({ assetId: id }));
  onTechnicalChange(() => void refetch());
  return (
    <>
      <p><A href={mine ? '/assets' : '/technical/assets'}>{mine ? '← My assets' : '← Assets'}</A></p>
      <Show when={asset()} fallback={<p class={asset.error ? 'error' : ''} role={asset.error ? 'alert' : undefined}>{asset.error ? errorMessage(asset.error) : 'Loading…'}</p>}>
        {(a) => (
          <article class="card" aria-labelledby="asset-title">
            <h1 id="asset-title">{a().name}</h1>
            <dl class="facts tech-facts">
              <div><dt>Type</dt><dd>{a().type}</dd></div>
              <div><dt>Make</dt><dd>{a().make ?? '—'}</dd></div>
              <div><dt>Model</dt><dd>{a().model ?? '—'}</dd></div>
              <div><dt>Serial number</dt><dd>{a().serialNumber ?? '—'}</dd></div>
              <div><dt>Installation date</dt><dd>{formatDay(a().installDate)}</dd></div>
              <div><dt>Warranty expiration</dt><dd>{formatDay(a().warrantyExpiry)} <ExpiryBadge badge={a().warrantyBadge} /></dd></div>
              <div><dt>Assigned user</dt><dd>{a().assignedContactName ?? 'Nobody'}</dd></div>
            </dl>
            <Show when={a().notes}><h2>Notes</h2><p class="tech-notes">{a().notes}</p></Show>
          </article>
        )}
      </Show>
    </>
  );
}
