import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { createFormState, ExpiryBadge, Field, FormError, formatDay, onTechnicalChange, textOf, type TBadge } from '../technical/shared';

type TDomain = Awaited<ReturnType<typeof trpc.technical.domains.query>>['items'][number];
type TCertificate = Awaited<ReturnType<typeof trpc.technical.certificates.query>>['items'][number];
type TRecord = { id: number; name: string; expiresOn: string | null; expiryBadge: TBadge };
type TFormProps<T> = { companyId: number; record: T | null; onDone: () => void };

/** Staff: one kind of dated record of a company, with add, edit and delete. */
function StaffRecords<T extends TRecord>(props: {
  companyId: number;
  title: string;
  noun: string;
  load: (companyId: number) => Promise<{ items: T[] }>;
  remove: (id: number) => Promise<unknown>;
  columns: { label: string; cell: (r: T) => JSX.Element }[];
  form: (p: TFormProps<T>) => JSX.Element;
}) {
  const [list, { refetch }] = createResource(() => props.companyId, (id) => props.load(id));
  const [editing, setEditing] = createSignal<T | 'new' | null>(null);
  const [error, setError] = createSignal('');
  onTechnicalChange(() => void refetch());
  const remove = async (r: T) => {
    if (!confirm(`Delete ${r.name}?`)) return;
    setError('');
    try {
      await props.remove(r.id);
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const noun = props.noun.toLowerCase();
  return (
    <section aria-labelledby={`staff-${noun}-title`}>
      <div class="page-head">
        <h2 id={`staff-${noun}-title`}>{props.title}</h2>
        <button type="button" class="primary" onClick={() => setEditing('new')}>Add {noun}</button>
      </div>
      <Show when={editing()} keyed>
        {(e) => props.form({ companyId: props.companyId, record: e === 'new' ? null : e, onDone: () => { setEditing(null); void refetch(); } })}
      </Show>
      <Show when={error() || list.error}><p class="error" role="alert">{error() || errorMessage(list.error)}</p></Show>
      <Show when={list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show when={list()!.items.length} fallback={<p class="muted">No {noun}s for this company yet. Use Add {noun} to record one.</p>}>
          <table class="list tech-table" aria-label={`${props.title} of this company`}>
            <thead>
              <tr>
                <For each={props.columns}>{(c) => <th scope="col">{c.label}</th>}</For>
                <th scope="col">Expiration date</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              <For each={list()!.items}>
                {(r) => (
                  <tr>
                    <For each={props.columns}>{(c) => <td data-label={c.label}>{c.cell(r)}</td>}</For>
                    <td data-label="Expiration date">{formatDay(r.expiresOn)} <ExpiryBadge badge={r.expiryBadge} /></td>
                    <td data-label="Actions" class="row-actions">
                      <button type="button" aria-label={`Edit ${r.name}`} onClick={() => setEditing(() => r)}>Edit</button>
                      <button type="button" aria-label={`Delete ${r.name}`} onClick={() => void remove(r)}>Delete</button>
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

/** The form frame both kinds share: title, overall error, Save and Cancel. */
function RecordForm(props: { id: string; title: string; busy: boolean; error: string; submitLabel: string; onSubmit: (form: FormData) => void; onCancel: () => void; children: JSX.Element }) {
  return (
    <form
      class="card form tech-form"
      aria-busy={props.busy}
      aria-labelledby={`${props.id}-title`}
      novalidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(new FormData(e.currentTarget));
      }}
    >
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      <FormError message={props.error} />
      <div class="tech-grid">{props.children}</div>
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy}>{props.busy ? 'Saving…' : props.submitLabel}</button>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </form>
  );
}

function DomainForm(props: TFormProps<TDomain>) {
  const f = createFormState();
  const d = props.record;
  const save = async (form: FormData) => {
    const fields = {
      name: String(form.get('name') ?? ''),
      registrar: textOf(form, 'registrar'),
      expiresOn: textOf(form, 'expiresOn'),
      // One name server per line (commas and spaces work too).
      nameServers: String(form.get('nameServers') ?? '').split(/[\s,]+/).filter(Boolean),
      notes: textOf(form, 'notes'),
    };
    if (await f.run(() => (d ? trpc.technical.updateDomain.mutate({ domainId: d.id, ...fields }) : trpc.technical.createDomain.mutate({ companyId: props.companyId, ...fields })))) props.onDone();
  };
  return (
    <RecordForm id="domain-form" title={d ? `Edit ${d.name}` : 'Add domain'} busy={f.busy()} error={f.error()} submitLabel={d ? 'Save domain' : 'Add domain'} onSubmit={save} onCancel={props.onDone}>
      <Field id="domain-name" label="Domain name" errors={f.errors().name}><input id="domain-name" name="name" required placeholder="example.com" value={d?.name ?? ''} aria-invalid={!!f.errors().name} /></Field>
      <Field id="domain-registrar" label="Registrar" errors={f.errors().registrar}><input id="domain-registrar" name="registrar" maxLength={120} value={d?.registrar ?? ''} aria-invalid={!!f.errors().registrar} /></Field>
      <Field id="domain-expiresOn" label="Expiration date" errors={f.errors().expiresOn}><input id="domain-expiresOn" name="expiresOn" type="date" value={d?.expiresOn ?? ''} aria-invalid={!!f.errors().expiresOn} /></Field>
      <Field id="domain-nameServers" label="DNS name servers (one per line)" errors={f.errors().nameServers}><textarea id="domain-nameServers" name="nameServers" rows={3} value={d?.nameServers.join('\n') ?? ''} aria-invalid={!!f.errors().nameServers} /></Field>
      <Field id="domain-notes" label="Notes" errors={f.errors().notes}><textarea id="domain-notes" name="notes" rows={2} maxLength={2000} value={d?.notes ?? ''} /></Field>
    </RecordForm>
  );
}

function CertificateForm(props: TFormProps<TCertificate>) {
  const f = createFormState();
  const c = props.record;
  const save = async (form: FormData) => {
    const fields = { name: String(form.get('name') ?? ''), fqdn: String(form.get('fqdn') ?? ''), issuer: textOf(form, 'issuer'), expiresOn: textOf(form, 'expiresOn'), notes: textOf(form, 'notes') };
    if (await f.run(() => (c ? trpc.technical.updateCertificate.mutate({ certificateId: c.id, ...fields }) : trpc.technical.createCertificate.mutate({ companyId: props.companyId, ...fields })))) props.onDone();
  };
  return (
    <RecordForm id="certificate-form" title={c ? `Edit ${c.name}` : 'Add certificate'} busy={f.busy()} error={f.error()} submitLabel={c ? 'Save certificate' : 'Add certificate'} onSubmit={save} onCancel={props.onDone}>
      <Field id="certificate-name" label="Certificate name" errors={f.errors().name}><input id="certificate-name" name="name" required maxLength={120} value={c?.name ?? ''} aria-invalid={!!f.errors().name} /></Field>
      <Field id="certificate-fqdn" label="FQDN" errors={f.errors().fqdn}><input id="certificate-fqdn" name="fqdn" required placeholder="www.example.com" value={c?.fqdn ?? ''} aria-invalid={!!f.errors().fqdn} /></Field>
      <Field id="certificate-issuer" label="Issuer" errors={f.errors().issuer}><input id="certificate-issuer" name="issuer" maxLength={120} placeholder="Let's Encrypt, DigiCert…" value={c?.issuer ?? ''} aria-invalid={!!f.errors().issuer} /></Field>
      <Field id="certificate-expiresOn" label="Expiration date" errors={f.errors().expiresOn}><input id="certificate-expiresOn" name="expiresOn" type="date" value={c?.expiresOn ?? ''} aria-invalid={!!f.errors().expiresOn} /></Field>
      <Field id="certificate-notes" label="Notes" errors={f.errors().notes}><textarea id="certificate-notes" name="notes" rows={2} maxLength={2000} value={c?.notes ?? ''} /></Field>
    </RecordForm>
  );
}

export function StaffDomains(props: { companyId: number }) {
  return (
    <StaffRecords<TDomain>
      companyId={props.companyId}
      title="Domains"
      noun="Domain"
      load={(companyId) => trpc.technical.domains.query({ companyId })}
      remove={(id) => trpc.technical.deleteDomain.mutate({ domainId: id })}
      columns={[
        { label: 'Domain name', cell: (d) => d.name },
        { label: 'Registrar', cell: (d) => d.registrar ?? '—' },
        { label: 'DNS name servers', cell: (d) => d.nameServers.join(', ') || '—' },
      ]}
      form={(p) => <DomainForm {...p} />}
    />
  );
}

export function StaffCertificates(props: { companyId: number }) {
  return (
    <StaffRecords<TCertificate>
      companyId={props.companyId}
      title="Certificates"
      noun="Certificate"
      load={(companyId) => trpc.technical.certificates.query({ companyId })}
      remove={(id) => trpc.technical.deleteCertificate.mutate({ certificateId: id })}
      columns={[
        { label: 'Certificate name', cell: (c) => c.name },
        { label: 'FQDN', cell: (c) => c.fqdn },
        { label: 'Issuer', cell: (c) => c.issuer ?? '—' },
      ]}
      form={(p) => <CertificateForm {...p} />}
    />
  );
}
