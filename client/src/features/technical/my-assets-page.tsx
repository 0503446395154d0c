import { createResource, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { AssetTable } from './asset-table';
import { onTechnicalChange } from './shared';

/** "My assets": the devices assigned to the signed-in contact (seed 004 §18), for every contact type. */
export default function MyAssetsPage() {
  const isContact = () => me()?.account?.kind === 'contact';
  const [list, { refetch }] = createResource(isContact, (yes) => (yes ? trpc.technical.myAssets.query() : null));
  onTechnicalChange(() => void refetch());
  return (
    <>
      <h1>My assets</h1>
      <Show when={isContact()} fallback={<p class="muted">Assets are assigned to client contacts. Staff manage them under Technical records.</p>}>
        <Show when={list.error}><p class="error" role="alert">{errorMessage(list.error)}</p></Show>
        <Show when={list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
          <Show when={list()!.items.length} fallback={<p class="muted">No devices are assigned to you. If you use one, ask your service provider to assign it to you.</p>}>
            <AssetTable items={list()!.items} href={(a) => `/assets/${a.id}`} label="My assets" showAssigned={false} />
          </Show>
        </Show>
      </Show>
    </>
  );
}
