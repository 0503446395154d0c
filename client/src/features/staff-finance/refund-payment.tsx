import { createSignal, For, Show } from 'solid-js';
import { currencyDigits, parseAmount } from '../../../../server/finance/money';
import { cardLabel } from '../../../../server/payments/card-label';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { dateText, Field, money } from '../finance/finance-kit';
import type { TInvoice } from '../finance/invoice-view';

type TPayment = TInvoice['payments'][number];

/** Staff refund card payments made through the portal, in full or in part, through the gateway. */
export function CardRefunds(props: { invoice: TInvoice; onDone: () => void }) {
  const refundable = () => props.invoice.payments.filter((p) => p.viaGateway && p.refundedMinor < p.amountMinor);
  // Kept here: the invoice is refetched after a refund, which renders its forms anew.
  const [done, setDone] = createSignal('');
  return (
    <>
      <Show when={done()}><p class="notice" role="status">{done()}</p></Show>
      <Show when={refundable().length}>
        <section class="card" aria-labelledby="refund-h">
          <h2 id="refund-h">Refund card payment</h2>
          <p class="muted">The money goes back to the card through the payment gateway; the invoice's balance grows by the same amount.</p>
          <For each={refundable()}>
            {(p) => (
              <RefundForm
                payment={p}
                onDone={(text) => {
                  setDone(text);
                  props.onDone();
                }}
                onStart={() => setDone('')}
              />
            )}
          </For>
        </section>
      </Show>
    </>
  );
}

function RefundForm(props: { payment: TPayment; onDone: (text: string) => void; onStart: () => void }) {
  const p = () => props.payment;
  const left = () => p().amountMinor - p().refundedMinor;
  const digits = () => currencyDigits(p().currency);
  const [amount, setAmount] = createSignal((left() / 10 ** digits()).toFixed(digits()));
  const [reason, setReason] = createSignal('');
  const [amountError, setAmountError] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const what = () => `${money(p().amountMinor, p().currency)} on ${dateText(p().paidOn)}${p().cardBrand && p().cardLast4 ? `, ${cardLabel(p().cardBrand!, p().cardLast4!)}` : ''}`;
  const id = (f: string) => `refund-${p().id}-${f}`;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError('');
    props.onStart();
    setAmountError('');
    const amountMinor = parseAmount(amount(), p().currency);
    if (amountMinor === null || amountMinor <= 0) return void setAmountError('Enter an amount like 25.00.');
    if (amountMinor > left()) return void setAmountError(`At most ${money(left(), p().currency)}.`);
    if (!confirm(`Refund ${money(amountMinor, p().currency)} to the card? This cannot be undone.`)) return;
    setBusy(true);
    try {
      const r = await trpc.payments.refund.mutate({ paymentId: p().id, amountMinor, reason: reason() });
      props.onDone(`Refunded ${money(r.amountMinor, r.currency)}${r.status === 'pending' ? ' (pending at the bank)' : ''}.`);
    } catch (err) {
      setAmountError(fieldErrors(err).amountMinor?.[0] ?? '');
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit} aria-label={`Refund payment of ${what()}`} aria-busy={busy()} novalidate>
      <h3>Payment of {what()}</h3>
      <Show when={error() && !amountError()}><p class="error" role="alert">{error()}</p></Show>
      <div class="fin-grid">
        <Field id={id('amount')} label={`Refund amount (${p().currency})`} error={amountError()} hint={`Refundable: ${money(left(), p().currency)}`}>
          <input id={id('amount')} inputmode="decimal" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={!!amountError()} />
        </Field>
        <Field id={id('reason')} label="Reason (optional)">
          <input id={id('reason')} maxLength={500} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
      </div>
      <div class="actions"><button type="submit" disabled={busy()}>{busy() ? 'Refunding…' : 'Refund'}</button></div>
    </form>
  );
}
