import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { AssetTable } from './asset-table';
import { onTechnicalChange } from './shared';
import { TechnicalFrame } from './technical-frame';

const TYPES = ['Workstation', 'Laptop', 'Server', 'Printer', 'Network device', 'Phone', 'Tablet', 'Monitor', 'Other'] as const;
type TType = (typeof TYPES)[number];
type TFilters = { search: string; type: string; assignedContactId: string; warranty: 'any' | 'expiring' | 'expired' };

/** Technical > Assets (seed 004 §18): the company's devices, searchable, live. */
export default function AssetsPage() {
  const [filters, setFilters] = createSignal<TFilters>({ search: '', type: '', assignedContactId: '', warranty: 'any' });
  const [list, { refetch }] = createResource(filters, (f) =>
    trpc.technical.assets.query({
      search: f.search || undefined,
      type: (f.type || undefined) as TType | undefined,
      assignedContactId: f.assignedContactId ? Number(f.assignedContactId) : undefined,
      warranty: f.warranty,
    }),
  );
  // Staff filter per company on their own pages; contacts pick among their colleagues.
  const [people] = createResource(
    () => me()?.account?.kind === 'contact',
    (isContact) => (isContact ? trpc.technical.contacts.query({}) : []),
  );
  onTechnicalChange(() => void refetch());
  const set = (patch: Partial<TFilters>) => setFilters({ ...filters(), ...patch });
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  return (
    <TechnicalFrame>
      <h1>Assets</h1>
      <form class="tech-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="asset-search">Search</label>
          <input id="asset-search" type="search" maxLength={100} placeholder="Name, serial number or model" onInput={(e) => {
            const v = e.currentTarget.value.trim();
            clearTimeout(timer);
            timer = setTimeout(() => set({ search: v }), 250);
          }} />
        </div>
        <div>
          <label for="asset-type">Type</label>
          <select id="asset-type" onChange={(e) => set({ type: e.currentTarget.value })}>
            <option value="">All types</option>
            <For each={TYPES}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </div>
        <Show when={people()?.length}>
          <div>
            <label for="asset-contact">Assigned to</label>
            <select id="asset-contact" onChange={(e) => set({ assignedContactId: e.currentTarget.value })}>
              <option value="">Anyone</option>
              <For each={people()}>{(p) => <option value={p.id}>{p.name}</option>}</For>
            </select>
          </div>
        </Show>
        <div>
          <label for="asset-warranty">Warranty</label>
          <select id="asset-warranty" onChange={(e) => set({ warranty: e.currentTarget.value as TFilters['warranty'] })}>
            <option value="any">Any</option>
            <option value="expiring">Expiring within 45 days</option>
            <option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <Show when={list.error}><p class="error" role="alert">{errorMessage(list.error)}</p></Show>
      <Show when={!list.error && list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show
          when={list()!.items.length}
          fallback={
            <p class="muted">
              {Object.values(filters()).some((v) => v && v !== 'any')
                ? 'No assets match. Clear the search or choose other filters.'
                : 'No assets are recorded for your company yet. Ask your service provider to add them.'}
            </p>
          }
        >
          <AssetTable items={list()!.items} href={(a) => `/technical/assets/${a.id}`} label="Assets" />
          <Show when={list()!.truncated}><p class="muted">Showing the first {list()!.items.length}. Search to narrow the list.</p></Show>
        </Show>
      </Show>
    </TechnicalFrame>
  );
}
