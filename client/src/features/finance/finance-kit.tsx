import { Show, type JSX } from 'solid-js';
import { formatMoney, formatQuantity, formatTaxRate } from '../../../../server/finance/money';
import { INVOICE_STATUS_LABELS, QUOTE_STATUS_LABELS } from '../../../../server/finance/labels';
import { formatDate } from '../../lib/dates';
import { liveRefetch } from '../../lib/live';
import { errorMessage, trpc } from '../../lib/trpc';
import './finance.css';

/*
 * Small pieces every Finance page (client and staff) uses: money in the document's
 * currency, status badges, and "refetch when finance changes" from the live stream.
 */

export { formatQuantity, formatTaxRate };
export { FREQUENCY_LABELS, PAYMENT_METHOD_LABELS } from '../../../../server/finance/labels';

/** Money in the browser's locale and the provider's currency (amounts are stored in minor units). */
export const money = (minor: number, currency: string) => formatMoney(minor, currency);

export const dateText = (iso: string) => formatDate(iso);

/** "Completed", "Refunded", or "Partially refunded (12.00)" for a payment. */
export const paymentStatusText = (amountMinor: number, refundedMinor: number, currency: string) =>
  refundedMinor <= 0 ? 'Completed' : refundedMinor >= amountMinor ? 'Refunded' : `Partially refunded (${money(refundedMinor, currency)})`;

export function InvoiceBadge(props: { status: string }) {
  return <span class={`badge fin-${props.status}`}>{INVOICE_STATUS_LABELS[props.status] ?? props.status}</span>;
}

export function QuoteBadge(props: { status: string }) {
  return <span class={`badge fin-${props.status}`}>{QUOTE_STATUS_LABELS[props.status] ?? props.status}</span>;
}

/** Calls `refresh` on every finance change this user may know of, while the page is open. */
export function onFinanceChange(refresh: () => void): void {
  // A burst (payment + invoice status) arrives together: refetch once.
  liveRefetch((lastEventId, handlers) => trpc.finance.onChange.subscribe({ lastEventId }, handlers), refresh, { burstMs: 100 });
}

/** What a refused or failed load shows instead of the page (the service's own words). */
export function LoadError(props: { error?: unknown; message?: string }) {
  return (
    <div class="card fin-refusal" role="alert">
      <p>{props.message ?? errorMessage(props.error)}</p>
    </div>
  );
}

/** One label + control + its message, so every field gets `for`, aria-invalid and an error next to it. */
export function Field(props: { id: string; label: string; error?: string; hint?: string; children: JSX.Element }) {
  return (
    <div class="fin-field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.hint && !props.error}><p class="muted fin-hint" id={`${props.id}-hint`}>{props.hint}</p></Show>
      <Show when={props.error}><p class="field-error" id={`${props.id}-error`}>{props.error}</p></Show>
    </div>
  );
}
