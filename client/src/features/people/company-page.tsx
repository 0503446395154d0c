import { A, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { createFormState } from '../../lib/form-state';
import { trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { ContactsManager } from './contacts-manager';

/** Staff console: one company's settings and contacts. */
export default function CompanyPage() {
  const params = useParams();
  const companyId = () => recordId(params.id) ?? 0;
  const [company, { refetch }] = createResource(() => recordId(params.id), async (id) => (await trpc.people.companies.query({ archived: true })).find((c) => c.id === id) ?? null);
  const form = createFormState();
  const { errors, error, saved, busy } = form;
  const run = (fn: () => Promise<string>) =>
    form.run(async () => {
      const message = await fn();
      await refetch();
      return message;
    });

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      await trpc.people.updateCompany.mutate({
        companyId: companyId(),
        name: String(form.get('name') ?? ''),
        emailDomains: String(form.get('emailDomains') ?? '').split(/[\s,]+/).filter(Boolean),
        require2fa: form.get('require2fa') === 'on',
      });
      return 'Saved.';
    });
  };

  return (
    <RecordView record={company} validId={recordId(params.id) !== null} noun="Company" back={{ href: '/staff/companies', label: '← Companies' }}>
      {(c) => (
        <>
          <p><A href="/staff/companies">← Companies</A></p>
          <h1>{c().name}</h1>
          <section class="card" aria-labelledby="company-settings-title">
            <h2 id="company-settings-title">Company details</h2>
            <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
            <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
            <form onSubmit={save} aria-busy={busy()}>
              <label for="edit-company-name">Company name</label>
              <input id="edit-company-name" name="name" required value={c().name} />
              <Show when={errors().name}><p class="field-error">{errors().name![0]}</p></Show>
              <label for="edit-company-domains">Email domains</label>
              <input id="edit-company-domains" name="emailDomains" value={c().emailDomains.join(', ')} />
              <Show when={errors().emailDomains}><p class="field-error">{errors().emailDomains![0]}</p></Show>
              <label class="check"><input type="checkbox" name="require2fa" checked={c().require2fa} /> Require two-factor authentication for contacts</label>
              <div class="actions">
                <button type="submit" class="primary" disabled={busy()}>Save</button>
                <button type="button" disabled={busy()} onClick={() => void run(async () => {
                  await trpc.people.archiveCompany.mutate({ companyId: c().id, archived: !c().archived });
                  return c().archived ? 'The company is active again.' : 'The company was archived.';
                })}>{c().archived ? 'Restore company' : 'Archive company'}</button>
              </div>
            </form>
          </section>
          <ContactsManager companyId={c().id} selfContactId={null} canGrantPrimary />
        </>
      )}
    </RecordView>
  );
}
