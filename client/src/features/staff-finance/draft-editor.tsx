import { createSignal, For, Show, type Resource } from 'solid-js';
import { errorMessage, fieldErrors } from '../../lib/trpc';
import { Field } from '../finance/finance-kit';
import { createLineItems, LineEditor, type TParsedLine } from './line-editor';
import { CompanySelect, type TCompanies } from './staff-kit';

/*
 * The staff editor for a draft invoice or quote: the company, a few dated fields, the line
 * items and notes, with "Save draft" and a second button that saves and releases it to the
 * client (issue an invoice, send a quote). What differs between the two is a `TDraftKind`.
 */

type TErrors = Record<string, string | undefined>;
/** What an invoice and a quote have in common, as the editor reads them. */
export type TDraft = { id: number; number: string; companyId: number; companyName: string; currency: string; notes: string | null; lines: TParsedLine[] };

/** One input between the company and the line items. */
export interface TDraftField<T> {
  name: string;
  id: string;
  label: string;
  date?: boolean;
  required?: boolean;
  maxLength?: number;
  initial: (draft: T | undefined) => string;
}

export interface TDraftKind<T extends TDraft> {
  /** "invoice" or "quote", in headings, ids and the notes label. */
  noun: string;
  /** The URL segment under /staff/finance/ for one of them. */
  path: string;
  idPrefix: string;
  fields: TDraftField<T>[];
  /** Creates the draft (no `draft` yet) or saves the one being edited. */
  save: (input: { value: (name: string) => string; lines: TParsedLine[]; draft: T | undefined; companyId: number }) => Promise<T>;
  /** The second button: after saving, issue or send it. */
  release: { intent: string; label: string; busyLabel: string; run: (saved: T) => Promise<T> };
  /** Under a draft's heading: who sees it until it is released. */
  draftNote: string;
}

export function DraftEditor<T extends TDraft>(props: {
  kind: TDraftKind<T>;
  initial?: T;
  companyId?: string;
  currency: string;
  companies: Resource<TCompanies>;
  onSaved: (saved: T) => void;
}) {
  const kind = props.kind;
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
    setBusy(intent);
    setErrors({});
    try {
      let saved = await kind.save({ value: (name) => String(f.get(name) ?? ''), lines: lines!, draft: init, companyId: Number(company()) });
      if (intent === kind.release.intent) saved = await kind.release.run(saved);
      props.onSaved(saved);
    } catch (err) {
      setErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k, v?.[0]])));
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const headingId = `${kind.noun}-form-h`;
  const notesId = `${kind.idPrefix}-notes`;
  return (
    <form class="card form" onSubmit={submit} aria-busy={!!busy()} aria-labelledby={headingId} novalidate>
      <h2 id={headingId}>{init ? `Draft ${init.number}` : `New ${kind.noun}`}</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <div class="fin-grid">
        <Show when={!init} fallback={<p><strong>Company:</strong> {init!.companyName}</p>}>
          <CompanySelect id={`${kind.idPrefix}-company`} companies={props.companies} value={company()} onChange={setCompany} error={errors().companyId} />
        </Show>
        <For each={kind.fields}>
          {(field) => (
            <Field id={field.id} label={field.label} error={errors()[field.name]}>
              <input
                id={field.id}
                name={field.name}
                type={field.date ? 'date' : undefined}
                required={field.required}
                maxLength={field.maxLength}
                value={field.initial(init)}
                aria-invalid={!!errors()[field.name]}
              />
            </Field>
          )}
        </For>
      </div>
      <LineEditor items={items} currency={props.currency} showErrors={showLineErrors()} error={errors().lines} />
      <Field id={notesId} label={`Notes (shown on the ${kind.noun})`} error={errors().notes}>
        <textarea id={notesId} name="notes" rows={3} maxLength={5000} value={init?.notes ?? ''} aria-invalid={!!errors().notes} />
      </Field>
      <div class="actions">
        <button type="submit" name="intent" value="save" disabled={!!busy()}>{busy() === 'save' ? 'Saving…' : 'Save draft'}</button>
        <button type="submit" name="intent" value={kind.release.intent} class="primary" disabled={!!busy()}>
          {busy() === kind.release.intent ? kind.release.busyLabel : kind.release.label}
        </button>
      </div>
    </form>
  );
}
