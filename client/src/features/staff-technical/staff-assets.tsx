import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { ExpiryBadge, formatDay, onTechnicalChange } from '../technical/shared';
import type { TAssetRow } from '../technical/asset-table';
import { AssetForm } from './asset-form';

/** Staff: a company's assets, with add, edit and archive (archived ones on request). */
export function StaffAssets(props: { companyId: number }) {
  const [showArchived, setShowArchived] = createSignal(false);
  const [list, { refetch }] = createResource(
    () => ({ companyId: props.companyId, includeArchived: showArchived() }),
    (q) => trpc.technical.assets.query(q),
  );
  const [editing, setEditing] = createSignal<TAssetRow | 'new' | null>(null);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal<number | null>(null);
  onTechnicalChange(() => void refetch());

  const archive = async (a: TAssetRow) => {
    setError('');
    setBusy(a.id);
    try {
      await trpc.technical.archiveAsset.mutate({ assetId: a.id, archived: !a.archived });
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="staff-assets-title">
      <div class="page-head">
        <h2 id="staff-assets-title">Assets</h2>
        <button type="button" class="primary" onClick={() => setEditing('new')}>Add asset</button>
      </div>
      <Show when={editing()} keyed>
        {(e) => <AssetForm companyId={props.companyId} asset={e === 'new' ? null : e} onDone={() => { setEditing(null); void refetch(); }} onCancel={() => setEditing(null)} />}
      </Show>
      <label class="check"><input type="checkbox" onChange={(e) => setShowArchived(e.currentTarget.checked)} /> Show archived assets</label>
      <Show when={error() || list.error}><p class="error" role="alert">{error() || errorMessage(list.error)}</p></Show>
      <Show when={list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show when={list()!.items.length} fallback={<p class="muted">No assets for this company yet. Use Add asset to record one.</p>}>
          <table class="list tech-table" aria-label="Assets of this company">
            <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Serial number</th><th scope="col">Warranty expiry</th><th scope="col">Assigned to</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              <For each={list()!.items}>
                {(a) => (
                  <tr>
                    <td data-label="Name">{a.name}<Show when={a.archived}> <span class="badge">Archived</span></Show></td>
                    <td data-label="Type">{a.type}</td>
                    <td data-label="Serial number">{a.serialNumber ?? '—'}</td>
                    <td data-label="Warranty expiry">{formatDay(a.warrantyExpiry)} <ExpiryBadge badge={a.warrantyBadge} /></td>
                    <td data-label="Assigned to">{a.assignedContactName ?? '—'}</td>
                    <td data-label="Actions" class="row-actions">
                      <button type="button" aria-label={`Edit ${a.name}`} onClick={() => setEditing(a)}>Edit</button>
                      <button type="button" disabled={busy() === a.id} aria-label={`${a.archived ? 'Restore' : 'Archive'} ${a.name}`} onClick={() => archive(a)}>
                        {a.archived ? 'Restore' : 'Archive'}
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
}
