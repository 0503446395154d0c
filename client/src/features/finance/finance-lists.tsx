import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { dateText, FREQUENCY_LABELS, InvoiceBadge, money, paymentStatusText, QuoteBadge } from './finance-kit';

/*
 * The four Finance lists (seed 004 §12, §15, §17), shared by the client's Finance page and
 * the staff Billing console; `base` is where a row links to ("/finance" or "/staff/finance").
 * Tables turn into cards on a phone (data-label, see finance.css / styles.css).
 */

type TInvoices = Awaited<ReturnType<typeof trpc.finance.invoices.query>>;
type TQuotes = Awaited<ReturnType<typeof trpc.finance.quotes.query>>;
type TRecurring = Awaited<ReturnType<typeof trpc.finance.recurring.query>>;
type TPayments = Awaited<ReturnType<typeof trpc.payments.history.query>>;

export function InvoiceList(props: { items: TInvoices; base: string; empty: JSX.Element }) {
  return (
    <Show when={props.items.length} fallback={<p class="muted fin-empty">{props.empty}</p>}>
      <table class="list fin-table" aria-label="Invoices">
        <thead>
          <tr><th scope="col">Invoice</th><th scope="col">Issued</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Balance</th><th scope="col">Status</th><th scope="col">Due</th></tr>
        </thead>
        <tbody>
          <For each={props.items}>
            {(i) => (
              <tr data-invoice-id={i.id}>
                <td data-label="Invoice"><A href={`${props.base}/invoices/${i.id}`}>{i.number}</A></td>
                <td data-label="Issued">{dateText(i.issueDate)}</td>
                <td data-label="Amount" class="num">{money(i.totalMinor, i.currency)}</td>
                <td data-label="Balance" class="num">{money(i.balanceMinor, i.currency)}</td>
                <td data-label="Status"><InvoiceBadge status={i.status} /></td>
                <td data-label="Due">{dateText(i.dueDate)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

export function QuoteList(props: { items: TQuotes; base: string; empty: JSX.Element }) {
  return (
    <Show when={props.items.length} fallback={<p class="muted fin-empty">{props.empty}</p>}>
      <table class="list fin-table" aria-label="Quotes">
        <thead>
          <tr><th scope="col">Quote</th><th scope="col">Title</th><th scope="col">Issued</th><th scope="col">Valid until</th><th scope="col" class="num">Total</th><th scope="col">Status</th></tr>
        </thead>
        <tbody>
          <For each={props.items}>
            {(q) => (
              <tr>
                <td data-label="Quote"><A href={`${props.base}/quotes/${q.id}`}>{q.number}</A></td>
                <td data-label="Title">{q.title}</td>
                <td data-label="Issued">{dateText(q.issueDate)}</td>
                <td data-label="Valid until">{dateText(q.expiryDate)}</td>
                <td data-label="Total" class="num">{money(q.totalMinor, q.currency)}</td>
                <td data-label="Status"><QuoteBadge status={q.status} /></td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

/** `actions` (staff) adds Edit / Deactivate buttons per row. */
export function RecurringList(props: { items: TRecurring; empty: JSX.Element; actions?: (r: TRecurring[number]) => JSX.Element }) {
  return (
    <Show when={props.items.length} fallback={<p class="muted fin-empty">{props.empty}</p>}>
      <table class="list fin-table" aria-label="Recurring invoices">
        <thead>
          <tr>
            <th scope="col">Scope</th><th scope="col" class="num">Amount</th><th scope="col">Next Bill Date</th><th scope="col">Frequency</th><th scope="col">Auto Pay</th>
            <Show when={props.actions}><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></Show>
          </tr>
        </thead>
        <tbody>
          <For each={props.items}>
            {(r) => (
              <tr>
                <td data-label="Scope">{r.scope}</td>
                <td data-label="Amount" class="num">
                  {money(r.totalMinor, r.currency)}
                  <Show when={r.taxMinor}><span class="muted fin-sub"> incl. {money(r.taxMinor, r.currency)} tax</span></Show>
                </td>
                <td data-label="Next Bill Date">{dateText(r.nextBillDate)}</td>
                <td data-label="Frequency">{FREQUENCY_LABELS[r.frequency]}</td>
                <td data-label="Auto Pay">{r.autoPay ? 'On' : 'Off'}</td>
                <Show when={props.actions}>
                  <td data-label="Status">{r.active ? 'Active' : 'Inactive'}</td>
                  <td class="row-actions">{props.actions!(r)}</td>
                </Show>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

/** Payment history (seed 004 §17): date, amount, method ("Visa •••• 4242"), invoice, status. */
export function PaymentList(props: { items: TPayments; base: string; empty: JSX.Element }) {
  return (
    <Show when={props.items.length} fallback={<p class="muted fin-empty">{props.empty}</p>}>
      <table class="list fin-table" aria-label="Payments">
        <thead>
          <tr><th scope="col">Date</th><th scope="col" class="num">Amount</th><th scope="col">Method</th><th scope="col">Invoice</th><th scope="col">Status</th><th scope="col">Reference</th></tr>
        </thead>
        <tbody>
          <For each={props.items}>
            {(p) => (
              <tr>
                <td data-label="Date">{dateText(p.date)}</td>
                <td data-label="Amount" class="num">{money(p.amountMinor, p.currency)}</td>
                <td data-label="Method">{p.methodLabel}</td>
                <td data-label="Invoice"><A href={`${props.base}/invoices/${p.invoiceId}`}>{p.invoiceNumber}</A></td>
                <td data-label="Status">
                  {p.kind === 'autopay_failed' ? (
                    <>
                      <span class="badge fin-overdue">Failed</span>
                      <span class="muted fin-sub">{p.reason}</span>
                    </>
                  ) : (
                    paymentStatusText(p.amountMinor, p.refundedMinor, p.currency)
                  )}
                </td>
                <td data-label="Reference">{p.reference ?? '—'}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}
