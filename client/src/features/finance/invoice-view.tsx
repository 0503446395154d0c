import { For, Show } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { LinesTable, Totals } from './document-view';
import { cardLabel } from '../../../../server/payments/card-label';
import { dateText, InvoiceBadge, money, PAYMENT_METHOD_LABELS, paymentStatusText } from './finance-kit';

export type TInvoice = Awaited<ReturnType<typeof trpc.finance.invoice.query>>;

/** Everything on an invoice (seed 004 §13), for the client's page and the staff console alike. */
export function InvoiceView(props: { invoice: TInvoice }) {
  const inv = () => props.invoice;
  return (
    <>
      <dl class="facts fin-facts">
        <div><dt>Company</dt><dd>{inv().companyName}</dd></div>
        <div><dt>From</dt><dd>{inv().providerName}</dd></div>
        <div><dt>Issue date</dt><dd>{dateText(inv().issueDate)}</dd></div>
        <div><dt>Due date</dt><dd>{dateText(inv().dueDate)}</dd></div>
        <div><dt>Status</dt><dd><InvoiceBadge status={inv().status} /></dd></div>
        <div><dt>Payment terms</dt><dd>{inv().paymentTerms || `Due by ${dateText(inv().dueDate)}`}</dd></div>
      </dl>
      <section aria-labelledby="inv-lines">
        <h2 id="inv-lines">Line items</h2>
        <LinesTable lines={inv().lines} currency={inv().currency} />
        <Totals currency={inv().currency} subtotalMinor={inv().subtotalMinor} taxMinor={inv().taxMinor} totalMinor={inv().totalMinor} paidMinor={inv().paidMinor} balanceMinor={inv().balanceMinor} />
      </section>
      <Show when={inv().notes}>
        <section aria-labelledby="inv-notes"><h2 id="inv-notes">Notes</h2><p class="fin-notes">{inv().notes}</p></section>
      </Show>
      <section aria-labelledby="inv-payments">
        <h2 id="inv-payments">Payments applied</h2>
        <Show when={inv().payments.length} fallback={<p class="muted">No payments yet.</p>}>
          <table class="list">
            <thead><tr><th scope="col">Date</th><th scope="col" class="num">Amount</th><th scope="col">Method</th><th scope="col">Reference</th><th scope="col">Status</th></tr></thead>
            <tbody>
              <For each={inv().payments}>
                {(p) => (
                  <tr>
                    <td data-label="Date">{dateText(p.paidOn)}</td>
                    <td data-label="Amount" class="num">{money(p.amountMinor, p.currency)}</td>
                    <td data-label="Method">{p.cardBrand && p.cardLast4 ? cardLabel(p.cardBrand, p.cardLast4) : (PAYMENT_METHOD_LABELS[p.method] ?? p.method)}</td>
                    <td data-label="Reference">{p.reference ?? '—'}</td>
                    <td data-label="Status">{paymentStatusText(p.amountMinor, p.refundedMinor, p.currency)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>
    </>
  );
}
