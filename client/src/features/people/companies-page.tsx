import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';

/** Staff console: the provider's client companies, and "New company". */
export default function CompaniesPage() {
  const [search, setSearch] = createSignal('');
  const [showArchived, setShowArchived] = createSignal(false);
  const [list, { refetch }] = createResource(() => ({ search: search(), archived: showArchived() }), (i) => trpc.people.companies.query(i));
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    setBusy(true);
    setError('');
    setErrors({});
    try {
      await trpc.people.createCompany.mutate({
        name: String(form.get('name') ?? ''),
        emailDomains: String(form.get('emailDomains') ?? '').split(/[\s,]+/).filter(Boolean),
        require2fa: form.get('require2fa') === 'on',
      });
      formEl.reset();
      await refetch();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Companies</h1>
      <section class="card" aria-labelledby="new-company-title">
        <h2 id="new-company-title">New company</h2>
        <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
        <form onSubmit={create} aria-busy={busy()}>
          <label for="company-name">Company name</label>
          <input id="company-name" name="name" required />
          <Show when={errors().name}><p class="field-error">{errors().name![0]}</p></Show>
          <label for="company-domains">Email domains</label>
          <input id="company-domains" name="emailDomains" placeholder="example.com, example.org" aria-describedby="company-domains-help" />
          <p id="company-domains-help" class="muted">Mail from these domains can raise tickets for this company.</p>
          <Show when={errors().emailDomains}><p class="field-error">{errors().emailDomains![0]}</p></Show>
          <label class="check"><input type="checkbox" name="require2fa" /> Require two-factor authentication for contacts</label>
          <button type="submit" class="primary" disabled={busy()}>Create company</button>
        </form>
      </section>
      <label for="companies-search">Search</label>
      <input id="companies-search" type="search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
      <label class="check"><input type="checkbox" checked={showArchived()} onChange={(e) => setShowArchived(e.currentTarget.checked)} /> Show archived companies</label>
      <Show when={list()} fallback={<p>Loading…</p>}>
        <Show when={list()!.length} fallback={<p class="muted">No companies yet. Create the first one above.</p>}>
          <table class="list">
            <thead><tr><th scope="col">Company</th><th scope="col">Email domains</th><th scope="col">Contacts</th><th scope="col">Two-factor</th></tr></thead>
            <tbody>
              <For each={list()}>
                {(c) => (
                  <tr>
                    <td data-label="Company"><A href={`/staff/companies/${c.id}`}>{c.name}</A>{c.archived ? ' (archived)' : ''}</td>
                    <td data-label="Email domains">{c.emailDomains.join(', ')}</td>
                    <td data-label="Contacts">{c.contacts}</td>
                    <td data-label="Two-factor">{c.require2fa ? 'Required' : 'Optional'}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </>
  );
}
