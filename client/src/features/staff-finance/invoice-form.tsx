import { createSignal, Show, type Resource } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { Field } from '../finance/finance-kit';
import type { TInvoice } from '../finance/invoice-view';
import { createLineItems, LineEditor } from './line-editor';
import { CompanySelect, localDay, type TCompanies } from './staff-kit';

type TErrors = Record<string, string | undefined>;

/** Create or edit a draft invoice; "Save and issue" sends it to the client. */
export function InvoiceForm(props: { initial?: TInvoice; companyId?: string; currency: string; companies: Resource<TCompanies>; onSaved: (inv: TInvoice) => void }) {
  const init = props.initial;
  const items = createLineItems(() => props.currency, init?.lines ?? []);
  const [company, setCompany] = createSignal(init ? String(init.companyId) : (props.companyId ?? ''));
  const [errors, setErrors] = createSignal<TErrors>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [showLineErrors, setShowLineErrors] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const intent = (e.submitter as HTMLButtonElement | null)?.value ?? 'save';
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const lines = items.forSave();
    setShowLineErrors(true);
    setError('');
    const local: TErrors = { companyId: !init && !company() ? 'Choose a company.' : undefined, lines: lines ? undefined : 'Fix the line items marked below.' };
    if (Object.values(local).some(Boolean)) return void setErrors(local);
    const fields = {
      issueDate: String(f.get('issueDate') ?? ''),
      dueDate: String(f.get('dueDate') ?? ''),
      paymentTerms: String(f.get('paymentTerms') ?? ''),
      notes: String(f.get('notes') ?? ''),
      lines: lines!,
    };
    setBusy(intent);
    setErrors({});
    try {
      let saved = init
        ? await trpc.finance.updateInvoice.mutate({ invoiceId: init.id, ...fields })
        : await trpc.finance.createInvoice.mutate({ companyId: Number(company()), ...fields });
      if (intent === 'issue') saved = await trpc.finance.issueInvoice.mutate({ invoiceId: saved.id });
      props.onSaved(saved);
    } catch (err) {
      setErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k, v?.[0]])));
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-busy={!!busy()} aria-labelledby="invoice-form-h" novalidate>
      <h2 id="invoice-form-h">{init ? `Draft ${init.number}` : 'New invoice'}</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <div class="fin-grid">
        <Show when={!init} fallback={<p><strong>Company:</strong> {init!.companyName}</p>}>
          <CompanySelect id="inv-company" companies={props.companies} value={company()} onChange={setCompany} error={errors().companyId} />
        </Show>
        <Field id="inv-issue" label="Issue date" error={errors().issueDate}>
          <input id="inv-issue" name="issueDate" type="date" required value={init?.issueDate ?? localDay()} aria-invalid={!!errors().issueDate} />
        </Field>
        <Field id="inv-due" label="Due date" error={errors().dueDate}>
          <input id="inv-due" name="dueDate" type="date" required value={init?.dueDate ?? localDay(30)} aria-invalid={!!errors().dueDate} />
        </Field>
        <Field id="inv-terms" label="Payment terms" error={errors().paymentTerms}>
          <input id="inv-terms" name="paymentTerms" maxLength={200} value={init?.paymentTerms ?? 'Net 30 days'} aria-invalid={!!errors().paymentTerms} />
        </Field>
      </div>
      <LineEditor items={items} currency={props.currency} showErrors={showLineErrors()} error={errors().lines} />
      <Field id="inv-notes" label="Notes (shown on the invoice)" error={errors().notes}>
        <textarea id="inv-notes" name="notes" rows={3} maxLength={5000} value={init?.notes ?? ''} aria-invalid={!!errors().notes} />
      </Field>
      <div class="actions">
        <button type="submit" name="intent" value="save" disabled={!!busy()}>{busy() === 'save' ? 'Saving…' : 'Save draft'}</button>
        <button type="submit" name="intent" value="issue" class="primary" disabled={!!busy()}>{busy() === 'issue' ? 'Issuing…' : 'Save and issue'}</button>
      </div>
    </form>
  );
}
