import { createResource, For } from 'solid-js';
import { trpc } from '../../lib/trpc';
import type { TAssetRow } from '../technical/asset-table';
import { createFormState, Field, FormError, textOf } from '../technical/shared';

const TYPES = ['Workstation', 'Laptop', 'Server', 'Printer', 'Network device', 'Phone', 'Tablet', 'Monitor', 'Other'] as const;

/** Add or edit one asset of a company. */
export function AssetForm(props: { companyId: number; asset: TAssetRow | null; onDone: () => void; onCancel: () => void }) {
  const f = createFormState();
  const [people] = createResource(() => props.companyId, (companyId) => trpc.technical.contacts.query({ companyId }));
  const a = props.asset;
  const invalid = (name: string) => ({ 'aria-invalid': !!f.errors()[name], 'aria-describedby': f.errors()[name] ? `asset-${name}-error` : undefined });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const contact = textOf(form, 'assignedContactId');
    const fields = {
      name: String(form.get('name') ?? ''),
      type: String(form.get('type') ?? '') as (typeof TYPES)[number],
      make: textOf(form, 'make'),
      model: textOf(form, 'model'),
      serialNumber: textOf(form, 'serialNumber'),
      installDate: textOf(form, 'installDate'),
      warrantyExpiry: textOf(form, 'warrantyExpiry'),
      assignedContactId: contact ? Number(contact) : null,
      notes: textOf(form, 'notes'),
    };
    const ok = await f.run(() => (a ? trpc.technical.updateAsset.mutate({ assetId: a.id, ...fields }) : trpc.technical.createAsset.mutate({ companyId: props.companyId, ...fields })));
    if (ok) props.onDone();
  };

  return (
    <form class="card form tech-form" onSubmit={submit} aria-busy={f.busy()} aria-labelledby="asset-form-title" novalidate>
      <h3 id="asset-form-title">{a ? `Edit ${a.name}` : 'Add asset'}</h3>
      <FormError message={f.error()} />
      <div class="tech-grid">
        <Field id="asset-name" label="Name" errors={f.errors().name}><input id="asset-name" name="name" required maxLength={120} value={a?.name ?? ''} {...invalid('name')} /></Field>
        <Field id="asset-type" label="Type" errors={f.errors().type}>
          <select id="asset-type" name="type" {...invalid('type')}>
            <For each={TYPES}>{(t) => <option value={t} selected={(a?.type ?? 'Workstation') === t}>{t}</option>}</For>
          </select>
        </Field>
        <Field id="asset-make" label="Make" errors={f.errors().make}><input id="asset-make" name="make" maxLength={120} value={a?.make ?? ''} {...invalid('make')} /></Field>
        <Field id="asset-model" label="Model" errors={f.errors().model}><input id="asset-model" name="model" maxLength={120} value={a?.model ?? ''} {...invalid('model')} /></Field>
        <Field id="asset-serialNumber" label="Serial number" errors={f.errors().serialNumber}><input id="asset-serialNumber" name="serialNumber" maxLength={120} value={a?.serialNumber ?? ''} {...invalid('serialNumber')} /></Field>
        <Field id="asset-assignedContactId" label="Assigned contact" errors={f.errors().assignedContactId}>
          <select id="asset-assignedContactId" name="assignedContactId" {...invalid('assignedContactId')}>
            <option value="">Nobody</option>
            <For each={people()}>{(p) => <option value={p.id} selected={a?.assignedContactId === p.id}>{p.name}</option>}</For>
          </select>
        </Field>
        <Field id="asset-installDate" label="Install date" errors={f.errors().installDate}><input id="asset-installDate" name="installDate" type="date" value={a?.installDate ?? ''} {...invalid('installDate')} /></Field>
        <Field id="asset-warrantyExpiry" label="Warranty expiry" errors={f.errors().warrantyExpiry}><input id="asset-warrantyExpiry" name="warrantyExpiry" type="date" value={a?.warrantyExpiry ?? ''} {...invalid('warrantyExpiry')} /></Field>
      </div>
      <Field id="asset-notes" label="Notes" errors={f.errors().notes}><textarea id="asset-notes" name="notes" rows={2} maxLength={2000} value={a?.notes ?? ''} {...invalid('notes')} /></Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={f.busy()}>{f.busy() ? 'Saving…' : a ? 'Save asset' : 'Add asset'}</button>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </form>
  );
}
