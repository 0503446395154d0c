import { createSignal, Show, type Resource } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { Field } from '../finance/finance-kit';
import type { TQuote } from '../finance/quote-view';
import { createLineItems, LineEditor } from './line-editor';
import { CompanySelect, localDay, type TCompanies } from './staff-kit';

type TErrors = Record<string, string | undefined>;

/** Create or edit a draft quote; "Save and send" lets the client Accept or Decline it. */
export function QuoteForm(props: { initial?: TQuote; companyId?: string; currency: string; companies: Resource<TCompanies>; onSaved: (q: TQuote) => void }) {
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
      title: String(f.get('title') ?? ''),
      issueDate: String(f.get('issueDate') ?? ''),
      expiryDate: String(f.get('expiryDate') ?? ''),
      notes: String(f.get('notes') ?? ''),
      lines: lines!,
    };
    setBusy(intent);
    setErrors({});
    try {
      let saved = init
        ? await trpc.finance.updateQuote.mutate({ quoteId: init.id, ...fields })
        : await trpc.finance.createQuote.mutate({ companyId: Number(company()), ...fields });
      if (intent === 'send') saved = await trpc.finance.sendQuote.mutate({ quoteId: saved.id });
      props.onSaved(saved);
    } catch (err) {
      setErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k, v?.[0]])));
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-busy={!!busy()} aria-labelledby="quote-form-h" novalidate>
      <h2 id="quote-form-h">{init ? `Draft ${init.number}` : 'New quote'}</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <div class="fin-grid">
        <Show when={!init} fallback={<p><strong>Company:</strong> {init!.companyName}</p>}>
          <CompanySelect id="quote-company" companies={props.companies} value={company()} onChange={setCompany} error={errors().companyId} />
        </Show>
        <Field id="quote-title-input" label="Title" error={errors().title}>
          <input id="quote-title-input" name="title" required maxLength={200} value={init?.title ?? ''} aria-invalid={!!errors().title} />
        </Field>
        <Field id="quote-issue" label="Issue date" error={errors().issueDate}>
          <input id="quote-issue" name="issueDate" type="date" required value={init?.issueDate ?? localDay()} aria-invalid={!!errors().issueDate} />
        </Field>
        <Field id="quote-expiry" label="Valid until" error={errors().expiryDate}>
          <input id="quote-expiry" name="expiryDate" type="date" required value={init?.expiryDate ?? localDay(30)} aria-invalid={!!errors().expiryDate} />
        </Field>
      </div>
      <LineEditor items={items} currency={props.currency} showErrors={showLineErrors()} error={errors().lines} />
      <Field id="quote-notes" label="Notes (shown on the quote)" error={errors().notes}>
        <textarea id="quote-notes" name="notes" rows={3} maxLength={5000} value={init?.notes ?? ''} aria-invalid={!!errors().notes} />
      </Field>
      <div class="actions">
        <button type="submit" name="intent" value="save" disabled={!!busy()}>{busy() === 'save' ? 'Saving…' : 'Save draft'}</button>
        <button type="submit" name="intent" value="send" class="primary" disabled={!!busy()}>{busy() === 'send' ? 'Sending…' : 'Save and send'}</button>
      </div>
    </form>
  );
}
