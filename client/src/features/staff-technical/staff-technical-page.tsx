import { useSearchParams } from '@solidjs/router';
import { createResource, For, Match, Show, Switch } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { StaffAssets } from './staff-assets';
import { StaffCertificates, StaffDomains } from './staff-records';
import { StaffDocuments } from './staff-documents';

const TABS = [
  ['assets', 'Assets'],
  ['documents', 'Documents'],
  ['domains', 'Domains'],
  ['certificates', 'Certificates'],
] as const;

/** Staff: pick a company, then keep its assets, documents, domains and certificates. */
export default function StaffTechnicalPage() {
  const [params, setParams] = useSearchParams<{ company?: string; tab?: string }>();
  const [companies] = createResource(() => me()?.areas.staffConsole, (staff) => (staff ? trpc.technical.companies.query() : []));
  const companyId = () => Number(params.company) || 0;
  const tab = () => (TABS.some(([t]) => t === params.tab) ? params.tab! : 'assets');
  const company = () => companies()?.find((c) => c.id === companyId());

  return (
    <Show when={me()?.areas.staffConsole} fallback={<p class="error" role="alert">This is for staff only.</p>}>
      <h1>Technical records</h1>
      <Show when={companies.error}><p class="error" role="alert">{errorMessage(companies.error)}</p></Show>
      <div class="tech-filters">
        <div>
          <label for="staff-company">Company</label>
          <select id="staff-company" onChange={(e) => setParams({ company: e.currentTarget.value || undefined })}>
            <option value="" selected={!companyId()}>Choose a company…</option>
            <For each={companies()}>{(c) => <option value={c.id} selected={c.id === companyId()}>{c.name}</option>}</For>
          </select>
        </div>
      </div>
      <Show when={company()} fallback={<p class="muted">{companies()?.length === 0 ? 'There are no companies yet.' : 'Choose a company to see and edit its technical records.'}</p>}>
        {(c) => (
          <>
            <nav class="subnav" aria-label="Technical records">
              <For each={TABS}>
                {([t, label]) => (
                  <a href={`/staff/technical?company=${c().id}&tab=${t}`} classList={{ active: tab() === t }} aria-current={tab() === t ? 'page' : undefined}>
                    {label}
                  </a>
                )}
              </For>
            </nav>
            <Switch>
              <Match when={tab() === 'assets'}><StaffAssets companyId={c().id} /></Match>
              <Match when={tab() === 'documents'}><StaffDocuments companyId={c().id} /></Match>
              <Match when={tab() === 'domains'}><StaffDomains companyId={c().id} /></Match>
              <Match when={tab() === 'certificates'}><StaffCertificates companyId={c().id} /></Match>
            </Switch>
          </>
        )}
      </Show>
    </Show>
  );
}
