import { A, useLocation, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { ExpiryBadge, formatDay, onTechnicalChange } from './shared';

/** One asset's details; reached from Technical > Assets or from My assets. */
export default function AssetPage() {
  const params = useParams();
  const mine = useLocation().pathname.startsWith('/assets');
  const id = () => recordId(params.id);
  const [asset, { refetch }] = createResource(id, (assetId) => trpc.technical.asset.query({ assetId }));
  const back = () => (mine ? { href: '/assets', label: '← My assets' } : { href: '/technical/assets', label: '← Assets' });
  onTechnicalChange(() => void refetch());
  return (
    <>
      <p><A href={back().href}>{back().label}</A></p>
      <RecordView record={asset} validId={id() !== null} noun="Asset" back={back()}>
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
      </RecordView>
    </>
  );
}
