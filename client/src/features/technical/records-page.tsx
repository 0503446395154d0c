import { createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { ExpiryBadge, formatDay, onTechnicalChange, type TBadge } from './shared';
import { TechnicalFrame } from './technical-frame';

type TColumn<T> = { label: string; cell: (row: T) => JSX.Element };
type TRecord = { id: number; expiresOn: string | null; expiryBadge: TBadge };

/** Domains and Certificates: a searchable list with expiry badges and an "expiring" filter, live. */
function RecordsPage<T extends TRecord>(props: {
  title: string;
  noun: string;
  load: (q: { search?: string; expiring: boolean }) => Promise<{ items: T[]; truncated: boolean }>;
  columns: TColumn<T>[];
  empty: string;
}) {
  const [query, setQuery] = createSignal({ search: '', expiring: false });
  const [list, { refetch }] = createResource(query, (q) => props.load({ search: q.search || undefined, expiring: q.expiring }));
  onTechnicalChange(() => void refetch());
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const id = props.noun.toLowerCase();
  return (
    <TechnicalFrame>
      <h1>{props.title}</h1>
      <form class="tech-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for={`${id}-search`}>Search</label>
          <input id={`${id}-search`} type="search" maxLength={100} onInput={(e) => {
            const v = e.currentTarget.value.trim();
            clearTimeout(timer);
            timer = setTimeout(() => setQuery({ ...query(), search: v }), 250);
          }} />
        </div>
        <label class="check">
          <input type="checkbox" onChange={(e) => setQuery({ ...query(), expiring: e.currentTarget.checked })} /> Expired or expiring within 45 days
        </label>
      </form>
      <Show when={list.error}><p class="error" role="alert">{errorMessage(list.error)}</p></Show>
      <Show when={!list.error && list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show when={list()!.items.length} fallback={<p class="muted">{query().search || query().expiring ? `No ${id}s match. Clear the search or the filter.` : props.empty}</p>}>
          <table class="list tech-table" aria-label={props.title}>
            <thead>
              <tr>
                <For each={props.columns}>{(c) => <th scope="col">{c.label}</th>}</For>
                <th scope="col">Expiration date</th>
              </tr>
            </thead>
            <tbody>
              <For each={list()!.items}>
                {(row) => (
                  <tr>
                    <For each={props.columns}>{(c) => <td data-label={c.label}>{c.cell(row)}</td>}</For>
                    <td data-label="Expiration date">{formatDay(row.expiresOn)} <ExpiryBadge badge={row.expiryBadge} /></td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </TechnicalFrame>
  );
}

type TDomain = Awaited<ReturnType<typeof trpc.technical.domains.query>>['items'][number];
type TCertificate = Awaited<ReturnType<typeof trpc.technical.certificates.query>>['items'][number];

/** Technical > Domains (seed 004 §20). */
export function DomainsPage() {
  return (
    <RecordsPage<TDomain>
      title="Domains"
      noun="Domain"
      load={(q) => trpc.technical.domains.query(q)}
      empty="No domains are recorded for your company yet. Your service provider adds them."
      columns={[
        { label: 'Domain name', cell: (d) => <strong>{d.name}</strong> },
        { label: 'Registrar', cell: (d) => d.registrar ?? '—' },
        { label: 'DNS name servers', cell: (d) => (d.nameServers.length ? <span class="tech-ns">{d.nameServers.join(', ')}</span> : '—') },
      ]}
    />
  );
}

/** Technical > Certificates (seed 004 §21). */
export function CertificatesPage() {
  return (
    <RecordsPage<TCertificate>
      title="Certificates"
      noun="Certificate"
      load={(q) => trpc.technical.certificates.query(q)}
      empty="No certificates are recorded for your company yet. Your service provider adds them."
      columns={[
        { label: 'Certificate name', cell: (c) => <strong>{c.name}</strong> },
        { label: 'FQDN', cell: (c) => c.fqdn },
        { label: 'Issuer', cell: (c) => c.issuer ?? '—' },
      ]}
    />
  );
}
