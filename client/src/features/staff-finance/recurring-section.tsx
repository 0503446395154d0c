import { createEffect, createResource, createSignal, on, Show, type Resource } from 'solid-js';
import { currencyDigits, parseAmount, parseTaxRate } from '../../../../server/finance/money';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { RecurringList } from '../finance/finance-lists';
import { Field, FREQUENCY_LABELS, LoadError } from '../finance/finance-kit';
import { CompanySelect, localDay, type TCompanies } from './staff-kit';

type TRecurring = Awaited<ReturnType<typeof trpc.finance.recurring.query>>[number];
type TErrors = Record<string, string | undefined>;

/** Staff list of recurring invoices with create, edit and deactivate (seed 004 §15). */
export function RecurringSection(props: { companyId?: number; companies: Resource<TCompanies>; version: number; currency: string }) {
  const [items, { refetch }] = createResource(() => ({ c: props.companyId }), ({ c }) => trpc.finance.recurring.query({ companyId: c }));
  createEffect(on(() => props.version, () => void refetch(), { defer: true }));
  const [editing, setEditing] = createSignal<TRecurring | 'new' | null>(null);
  const [rowError, setRowError] = createSignal('');

  const toggle = async (r: TRecurring) => {
    setRowError('');
    try {
      await trpc.finance.setRecurringActive.mutate({ recurringId: r.id, active: !r.active });
      await refetch();
    } catch (err) {
      setRowError(errorMessage(err));
    }
  };

  return (
    <>
      <div class="fin-toolbar">
        <button type="button" class="primary" onClick={() => setEditing('new')}>New recurring invoice</button>
      </div>
      <Show when={editing()} keyed>
        {(e) => (
          <RecurringForm
            initial={e === 'new' ? null : e}
            currency={props.currency}
            companyId={props.companyId}
            companies={props.companies}
            onDone={() => {
              setEditing(null);
              void refetch();
            }}
          />
        )}
      </Show>
      <Show when={rowError()}><p class="error" role="alert">{rowError()}</p></Show>
      <Show when={items()} fallback={items.error ? <LoadError error={items.error} /> : <p>Loading…</p>}>
        <RecurringList
          items={items()!}
          empty='No recurring invoices. Use "New recurring invoice" to bill a company on a schedule.'
          actions={(r) => (
            <>
              <button type="button" onClick={() => setEditing(r)} aria-label={`Edit ${r.scope}`}>Edit</button>
              <button type="button" onClick={() => toggle(r)} aria-label={`${r.active ? 'Deactivate' : 'Activate'} ${r.scope}`}>{r.active ? 'Deactivate' : 'Activate'}</button>
            </>
          )}
        />
      </Show>
    </>
  );
}

function RecurringForm(props: { initial: TRecurring | null; currency: string; companyId?: number; companies: Resource<TCompanies>; onDone: () => void }) {
  const init = props.initial;
  const currency = init?.currency ?? props.currency;
  const digits = currencyDigits(currency);
  const [company, setCompany] = createSignal(String(init?.companyId ?? props.companyId ?? ''));
  const [errors, setErrors] = createSignal<TErrors>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const amountMinor = parseAmount(String(f.get('amount') ?? ''), currency);
    const taxRateBp = parseTaxRate(String(f.get('taxRate') ?? ''));
    const terms = Number(f.get('terms'));
    const local: TErrors = {
      amountMinor: amountMinor === null || amountMinor <= 0 ? 'Enter an amount like 1125.00.' : undefined,
      taxRateBp: taxRateBp === null ? 'Enter a rate from 0 to 100, like 8.25.' : undefined,
      companyId: !init && !company() ? 'Choose a company.' : undefined,
    };
    setError('');
    if (Object.values(local).some(Boolean)) return void setErrors(local);
    const fields = {
      scope: String(f.get('scope') ?? ''),
      frequency: String(f.get('frequency')) as 'monthly',
      amountMinor: amountMinor!,
      taxRateBp: taxRateBp!,
      nextBillDate: String(f.get('nextBillDate') ?? ''),
      paymentTermsDays: Number.isInteger(terms) ? terms : -1,
      autoPay: f.get('autoPay') === 'on',
      active: init?.active ?? true,
    };
    setBusy(true);
    setErrors({});
    try {
      if (init) await trpc.finance.updateRecurring.mutate({ recurringId: init.id, ...fields });
      else await trpc.finance.createRecurring.mutate({ companyId: Number(company()), ...fields });
      props.onDone();
    } catch (err) {
      setErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k, v?.[0]])));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-busy={busy()} aria-labelledby="recurring-form-h" novalidate>
      <h2 id="recurring-form-h">{init ? `Edit ${init.scope}` : 'New recurring invoice'}</h2>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <div class="fin-grid">
        <Show when={!init}>
          <CompanySelect id="rec-company" companies={props.companies} value={company()} onChange={setCompany} error={errors().companyId} />
        </Show>
        <Field id="rec-scope" label="Scope" error={errors().scope} hint="What the charge covers, e.g. Managed services, 25 seats">
          <input id="rec-scope" name="scope" required maxLength={200} value={init?.scope ?? ''} aria-invalid={!!errors().scope} />
        </Field>
        <Field id="rec-amount" label={`Amount per period, before tax (${currency})`} error={errors().amountMinor}>
          <input id="rec-amount" name="amount" inputmode="decimal" required value={init ? (init.amountMinor / 10 ** digits).toFixed(digits) : ''} aria-invalid={!!errors().amountMinor} />
        </Field>
        <Field id="rec-tax" label="Tax rate (%)" error={errors().taxRateBp}>
          <input id="rec-tax" name="taxRate" inputmode="decimal" value={init ? String(init.taxRateBp / 100) : '0'} aria-invalid={!!errors().taxRateBp} />
        </Field>
        <Field id="rec-frequency" label="Frequency" error={errors().frequency}>
          <select id="rec-frequency" name="frequency" value={init?.frequency ?? 'monthly'}>
            {Object.entries(FREQUENCY_LABELS).map(([v, l]) => <option value={v} selected={v === (init?.frequency ?? 'monthly')}>{l}</option>)}
          </select>
        </Field>
        <Field id="rec-next" label="Next Bill Date" error={errors().nextBillDate}>
          <input id="rec-next" name="nextBillDate" type="date" required value={init?.nextBillDate ?? localDay(1)} aria-invalid={!!errors().nextBillDate} />
        </Field>
        <Field id="rec-terms" label="Payment terms (days)" error={errors().paymentTermsDays}>
          <input id="rec-terms" name="terms" type="number" min="0" max="365" value={String(init?.paymentTermsDays ?? 30)} aria-invalid={!!errors().paymentTermsDays} />
        </Field>
      </div>
      <label class="check" for="rec-autopay"><input id="rec-autopay" name="autoPay" type="checkbox" checked={init?.autoPay ?? false} /> Auto Pay (shown to the client; card payments come later)</label>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Saving…' : init ? 'Save changes' : 'Create recurring invoice'}</button>
        <button type="button" onClick={() => props.onDone()}>Cancel</button>
      </div>
    </form>
  );
}
