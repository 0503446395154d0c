import { createSignal, Show } from 'solid-js';
import { currencyDigits, parseAmount } from '../../../../server/finance/money';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { Field, money } from './finance-kit';

export type TPayOptions = Awaited<ReturnType<typeof trpc.payments.payOptions.query>>;

/**
 * "Pay Now" (seed 004 §14): opens the payment gateway's own secure page; the card is typed
 * there, never here. The invoice turns Paid when the gateway confirms the payment.
 */
export function PayNow(props: { invoiceId: number; options: TPayOptions }) {
  const digits = () => currencyDigits(props.options.currency);
  const [amount, setAmount] = createSignal((props.options.balanceMinor / 10 ** digits()).toFixed(digits()));
  const [error, setError] = createSignal('');
  const [amountError, setAmountError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const pay = async (e: SubmitEvent) => {
    e.preventDefault();
    setError('');
    setAmountError('');
    let amountMinor: number | undefined;
    if (props.options.allowPartial) {
      const parsed = parseAmount(amount(), props.options.currency);
      if (parsed === null || parsed <= 0) return void setAmountError('Enter an amount like 250.00.');
      if (parsed > props.options.balanceMinor) return void setAmountError(`At most the balance, ${money(props.options.balanceMinor, props.options.currency)}.`);
      amountMinor = parsed;
    }
    setBusy(true);
    try {
      const { url } = await trpc.payments.payNow.mutate({ invoiceId: props.invoiceId, ...(amountMinor ? { amountMinor } : {}) });
      window.location.assign(url);
    } catch (err) {
      setAmountError(fieldErrors(err).amountMinor?.[0] ?? '');
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form class="card form pay-now" onSubmit={pay} aria-labelledby="pay-now-h" aria-busy={busy()} novalidate>
      <h2 id="pay-now-h">Make Payment</h2>
      <p>
        Balance due: <strong>{money(props.options.balanceMinor, props.options.currency)}</strong>. You pay by card (Visa, Mastercard, Amex) on our payment
        gateway's secure page; your card number never reaches this portal.
      </p>
      <Show when={error() && !amountError()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={props.options.allowPartial}>
        <Field id="pay-now-amount" label={`Amount to pay (${props.options.currency})`} error={amountError()} hint="Pay the whole balance or part of it.">
          <input id="pay-now-amount" inputmode="decimal" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={!!amountError()} />
        </Field>
      </Show>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Opening the payment page…' : 'Pay Now'}</button>
      </div>
    </form>
  );
}
