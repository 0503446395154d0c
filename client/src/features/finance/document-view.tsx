import { For, Show } from 'solid-js';
import { formatQuantity, formatTaxRate, money } from './finance-kit';

type TLine = { id: number; description: string; quantityMilli: number; unitPriceMinor: number; taxRateBp: number; lineTotalMinor: number };

/** The line items of an invoice or quote: description, quantity, unit price, tax, amount. */
export function LinesTable(props: { lines: TLine[]; currency: string }) {
  return (
    <Show when={props.lines.length} fallback={<p class="muted">No line items.</p>}>
      <table class="list fin-lines">
        <thead>
          <tr><th scope="col">Description</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Tax</th><th scope="col" class="num">Amount</th></tr>
        </thead>
        <tbody>
          <For each={props.lines}>
            {(l) => (
              <tr>
                <td data-label="Description">{l.description}</td>
                <td data-label="Quantity" class="num">{formatQuantity(l.quantityMilli)}</td>
                <td data-label="Unit price" class="num">{money(l.unitPriceMinor, props.currency)}</td>
                <td data-label="Tax" class="num">{formatTaxRate(l.taxRateBp)}</td>
                <td data-label="Amount" class="num">{money(l.lineTotalMinor, props.currency)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

/** Subtotal, tax and total, then (invoices) paid and balance. */
export function Totals(props: { currency: string; subtotalMinor: number; taxMinor: number; totalMinor: number; paidMinor?: number; balanceMinor?: number }) {
  return (
    <dl class="fin-totals">
      <div><dt>Subtotal</dt><dd>{money(props.subtotalMinor, props.currency)}</dd></div>
      <div><dt>Tax</dt><dd>{money(props.taxMinor, props.currency)}</dd></div>
      <div class="strong"><dt>Total</dt><dd>{money(props.totalMinor, props.currency)}</dd></div>
      <Show when={props.balanceMinor !== undefined}>
        <div><dt>Paid</dt><dd>{money(props.paidMinor ?? 0, props.currency)}</dd></div>
        <div class="strong"><dt>Balance</dt><dd data-testid="balance">{money(props.balanceMinor!, props.currency)}</dd></div>
      </Show>
    </dl>
  );
}
