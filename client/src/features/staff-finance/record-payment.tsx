import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { currencyDigits, parseAmount } from '../../../../server/finance/money';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { Field, money, PAYMENT_METHOD_LABELS } from '../finance/finance-kit';
import type { TInvoice } from '../finance/invoice-view';
import { localDay } from './staff-kit';

type TErrors = Record<string, string | undefined>;

/** Staff record money received against an invoice: full or partial, never above the balance. */
export function RecordPayment(props: { invoice: TInvoice; onSaved: () => void }) {
  const digits = () => currencyDigits(props.invoice.currency);
  const [amount, setAmount] = createSignal((props.invoice.balanceMinor / 10 ** digits()).toFixed(digits()));
  // A payment (here or live from elsewhere) changes the balance: offer the new one. The memo
  // fires only on a new value, so a live refetch does not overwrite what is being typed.
  const balance = createMemo(() => props.invoice.balanceMinor);
  createEffect(on(balance, (b) => setAmount((b / 10 ** digits()).toFixed(digits())), { defer: true }));
  const [errors, setErrors] = createSignal<TErrors>({});
  const [error, setError] = createSignal('');
  const [done, setDone] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const amountMinor = parseAmount(amount(), props.invoice.currency);
    setError('');
    setDone('');
    if (amountMinor === null || amountMinor <= 0) return void setErrors({ amountMinor: 'Enter an amount like 250.00.' });
    if (amountMinor > props.invoice.balanceMinor) return void setErrors({ amountMinor: `At most the balance, ${money(props.invoice.balanceMinor, props.invoice.currency)}.` });
    setBusy(true);
    setErrors({});
    try {
      const p = await trpc.finance.recordPayment.mutate({
        invoiceId: props.invoice.id,
        amountMinor,
        method: String(f.get('method')) as 'bank_transfer',
        reference: String(f.get('reference') ?? ''),
        paidOn: String(f.get('paidOn') ?? ''),
      });
      setDone(`Recorded ${money(p.amountMinor, p.currency)}.`);
      props.onSaved();
    } catch (err) {
      setErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, v]) => [k, v?.[0]])));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} aria-busy={busy()} aria-labelledby="pay-h" novalidate>
      <h2 id="pay-h">Record payment</h2>
      <Show when={error() && !Object.values(errors()).some(Boolean)}><p class="error" role="alert">{error()}</p></Show>
      <Show when={done()}><p role="status">{done()}</p></Show>
      <div class="fin-grid">
        <Field id="pay-amount" label={`Amount (${props.invoice.currency})`} error={errors().amountMinor} hint={`Balance: ${money(props.invoice.balanceMinor, props.invoice.currency)}`}>
          <input id="pay-amount" inputmode="decimal" required value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={!!errors().amountMinor} />
        </Field>
        <Field id="pay-method" label="Method" error={errors().method}>
          <select id="pay-method" name="method">
            {Object.entries(PAYMENT_METHOD_LABELS).map(([v, l]) => <option value={v} selected={v === 'bank_transfer'}>{l}</option>)}
          </select>
        </Field>
        <Field id="pay-reference" label="Reference (optional)" error={errors().reference}>
          <input id="pay-reference" name="reference" maxLength={200} aria-invalid={!!errors().reference} />
        </Field>
        <Field id="pay-date" label="Date received" error={errors().paidOn}>
          <input id="pay-date" name="paidOn" type="date" required value={localDay()} aria-invalid={!!errors().paidOn} />
        </Field>
      </div>
      <div class="actions"><button type="submit" class="primary" disabled={busy()}>{busy() ? 'Recording…' : 'Record payment'}</button></div>
    </form>
  );
}
