import { createSignal, For, Show } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { liveSync, type TLiveEvent } from '../../../lib/live';
import { errorMessage, trpc } from '../../../lib/trpc';
import { formatDateTime } from '../../../lib/dates';

type TList = Awaited<ReturnType<typeof trpc.accessRequests.list.query>>;
type TRequest = TList['items'][number];
type TCompany = TList['companies'][number];

/** Pending "Request access" submissions, live: new ones appear and decided ones leave without reload. */
export default function AccessRequestsPage() {
  const [state, setState] = createStore<{ items: TRequest[]; companies: TCompany[] }>({ items: [], companies: [] });
  const [loaded, setLoaded] = createSignal(false);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [done, setDone] = createSignal('');

  /** Drops a decided request; a company made by an approval becomes a choice for the rest. */
  const settle = (requestId: number, company: TCompany | null) =>
    setState(
      produce((s) => {
        s.items = s.items.filter((x) => x.id !== requestId);
        if (company && !s.companies.some((c) => c.id === company.id)) {
          s.companies.push(company);
          s.companies.sort((a, b) => a.name.localeCompare(b.name));
        }
      }),
    );

  liveSync<TLiveEvent>({
    subscribe: (lastEventId, handlers) => trpc.accessRequests.onChange.subscribe({ lastEventId }, handlers),
    load: async () => {
      try {
        const d = await trpc.accessRequests.list.query();
        // A re-read (after a reconnect) keeps the rows it still has, and what is typed in them.
        setState('items', reconcile(d.items, { key: 'id' }));
        setState('companies', reconcile(d.companies, { key: 'id' }));
        setLoadError(null);
        setLoaded(true);
      } catch (err) {
        setLoadError(err);
        throw err;
      }
    },
    apply: (ev) => {
      if (ev.kind === 'access_request.created') {
        const r = (ev.payload as { request: TRequest }).request;
        setState(
          produce((s) => {
            if (!s.items.some((x) => x.id === r.id)) s.items.push(r);
          }),
        );
      } else if (ev.kind === 'access_request.decided') {
        const p = ev.payload as { requestId: number; company: TCompany | null };
        settle(p.requestId, p.company);
      }
    },
  });

  return (
    <>
      <h1>Access requests</h1>
      <p role="status">{done()}</p>
      <Show when={loaded()} fallback={<p>{loadError() ? errorMessage(loadError()) : 'Loading…'}</p>}>
        <Show when={state.items.length} fallback={<p class="muted">No pending requests.</p>}>
          <ul class="rows" aria-live="polite">
            <For each={state.items}>
              {(r) => (
                <RequestRow
                  request={r}
                  companies={state.companies}
                  onDecided={(message, company) => {
                    setDone(message);
                    settle(r.id, company);
                  }}
                />
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </>
  );
}

function RequestRow(props: { request: TRequest; companies: TCompany[]; onDecided: (message: string, company: TCompany | null) => void }) {
  const r = props.request;
  // Suggest the company the requester named, when the provider already has it.
  const match = props.companies.find((c) => c.name.trim().toLowerCase() === r.companyName.trim().toLowerCase());
  // 0 stands for "Create a new company".
  const [companyId, setCompanyId] = createSignal(match?.id ?? 0);
  const [newName, setNewName] = createSignal(r.companyName);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const run = async (fn: () => Promise<{ message: string; company: TCompany | null }>) => {
    setBusy(true);
    setError('');
    try {
      const { message, company } = await fn();
      props.onDecided(message, company);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const approve = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await trpc.accessRequests.approve.mutate({
        requestId: r.id,
        company: companyId() ? { kind: 'existing', companyId: companyId() } : { kind: 'new', name: newName() },
      });
      const message = res.resent
        ? `${res.email} is already a contact of ${res.company.name}; their invitation was sent again.`
        : `Approved: an invitation was sent to ${res.email} for ${res.company.name}.`;
      return { message, company: res.company };
    });
  };

  const decline = () =>
    void run(async () => {
      await trpc.accessRequests.decline.mutate({ requestId: r.id });
      return { message: `Declined the request from ${r.email}.`, company: null };
    });

  return (
    <li>
      <article aria-labelledby={`request-${r.id}`}>
        <h2 id={`request-${r.id}`}>{r.name}</h2>
        <p class="muted">
          {r.email} · says they are from <strong>{r.companyName}</strong> · {formatDateTime(r.createdAt)} · from {r.ip}
        </p>
        <form onSubmit={approve} aria-busy={busy()}>
          <label for={`company-${r.id}`}>Company</label>
          <select id={`company-${r.id}`} value={companyId()} onChange={(e) => setCompanyId(Number(e.currentTarget.value))}>
            <option value={0}>Create a new company</option>
            <For each={props.companies}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
          <Show when={!companyId()}>
            <label for={`new-company-${r.id}`}>New company name</label>
            <input id={`new-company-${r.id}`} maxLength={120} required value={newName()} onInput={(e) => setNewName(e.currentTarget.value)} />
          </Show>
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy()} aria-label={`Approve ${r.name}`}>Approve</button>
            <button type="button" disabled={busy()} onClick={decline} aria-label={`Decline ${r.name}`}>Decline</button>
          </div>
        </form>
      </article>
    </li>
  );
}
