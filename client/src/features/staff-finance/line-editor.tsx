import { For, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { currencyDigits, documentTotals, lineTaxMinor, lineTotalMinor, parseAmount, parseQuantity, parseTaxRate } from '../../../../server/finance/money';
import { money } from '../finance/finance-kit';

/*
 * The staff line-item editor: add and remove lines, totals recomputed as you type with the
 * same module the server stores totals with (server/finance/money.ts).
 */

type TRow = { key: number; description: string; quantity: string; unitPrice: string; taxRate: string };
type TServerLine = { description: string; quantityMilli: number; unitPriceMinor: number; taxRateBp: number };
export type TParsedLine = TServerLine;

let nextKey = 1;
const blank = (): TRow => ({ key: nextKey++, description: '', quantity: '1', unitPrice: '', taxRate: '0' });

export function createLineItems(currency: () => string, initial: TServerLine[] = []) {
  const toRow = (l: TServerLine): TRow => ({
    key: nextKey++,
    description: l.description,
    quantity: String(l.quantityMilli / 1000),
    unitPrice: (l.unitPriceMinor / 10 ** currencyDigits(currency())).toFixed(currencyDigits(currency())),
    taxRate: String(l.taxRateBp / 100),
  });
  const [rows, setRows] = createStore<TRow[]>(initial.length ? initial.map(toRow) : [blank()]);
  const parse = (r: TRow) => ({
    description: r.description.trim(),
    quantityMilli: parseQuantity(r.quantity),
    unitPriceMinor: parseAmount(r.unitPrice, currency()),
    taxRateBp: parseTaxRate(r.taxRate),
  });
  const problems = (r: TRow) => {
    const p = parse(r);
    return {
      description: p.description ? undefined : 'Describe the line item.',
      quantity: p.quantityMilli && p.quantityMilli > 0 ? undefined : 'Enter a quantity like 1 or 1.5.',
      unitPrice: p.unitPriceMinor === null ? `Enter a price like 95.00.` : undefined,
      taxRate: p.taxRateBp === null ? 'Enter a rate from 0 to 100, like 8.25.' : undefined,
    };
  };
  return {
    rows,
    add: () => setRows(produce((s) => void s.push(blank()))),
    remove: (key: number) => setRows((s) => s.filter((r) => r.key !== key)),
    set: (key: number, field: keyof Omit<TRow, 'key'>, value: string) => setRows((r) => r.key === key, field, value),
    problems,
    /** Lines that parse, for the live totals. */
    valid: (): TServerLine[] =>
      rows.map(parse).filter((p): p is TServerLine => p.quantityMilli !== null && p.unitPriceMinor !== null && p.taxRateBp !== null),
    /** All lines for saving, or null when one is not valid yet (the editor then shows why). */
    forSave: (): TServerLine[] | null => (rows.every((r) => Object.values(problems(r)).every((m) => !m)) ? (rows.map(parse) as TServerLine[]) : null),
  };
}

export type TLineItems = ReturnType<typeof createLineItems>;

export function LineEditor(props: { items: TLineItems; currency: string; showErrors: boolean; error?: string }) {
  const totals = () => documentTotals(props.items.valid());
  const err = (r: TRow, f: 'description' | 'quantity' | 'unitPrice' | 'taxRate') => (props.showErrors ? props.items.problems(r)[f] : undefined);
  const rowTotal = (r: TRow) => {
    const q = parseQuantity(r.quantity);
    const u = parseAmount(r.unitPrice, props.currency);
    const t = parseTaxRate(r.taxRate);
    if (q === null || u === null || t === null) return '—';
    const total = lineTotalMinor({ quantityMilli: q, unitPriceMinor: u });
    return `${money(total, props.currency)}${t ? ` + ${money(lineTaxMinor(total, t), props.currency)} tax` : ''}`;
  };
  return (
    <fieldset class="fin-lines-editor">
      <legend>Line items</legend>
      <For each={props.items.rows}>
        {(r, i) => {
          const id = (f: string) => `line-${r.key}-${f}`;
          const input = (f: 'description' | 'quantity' | 'unitPrice' | 'taxRate', label: string, cls: string, mode?: 'decimal') => (
            <div class={`fin-field ${cls}`}>
              <label for={id(f)}>{label}</label>
              <input
                id={id(f)}
                value={r[f]}
                inputmode={mode}
                maxLength={f === 'description' ? 500 : 20}
                aria-invalid={!!err(r, f)}
                aria-describedby={err(r, f) ? `${id(f)}-error` : undefined}
                onInput={(e) => props.items.set(r.key, f, e.currentTarget.value)}
              />
              <Show when={err(r, f)}><p class="field-error" id={`${id(f)}-error`}>{err(r, f)}</p></Show>
            </div>
          );
          return (
            <div class="fin-line" data-line={i()}>
              {input('description', `Description (line ${i() + 1})`, 'fin-line-desc')}
              {input('quantity', 'Quantity', '', 'decimal')}
              {input('unitPrice', `Unit price (${props.currency})`, '', 'decimal')}
              {input('taxRate', 'Tax rate (%)', '', 'decimal')}
              <p class="fin-line-total" aria-label={`Line ${i() + 1} amount`}>{rowTotal(r)}</p>
              <button type="button" class="fin-line-remove" onClick={() => props.items.remove(r.key)} aria-label={`Remove line ${i() + 1}`}>Remove</button>
            </div>
          );
        }}
      </For>
      <Show when={!props.items.rows.length}><p class="muted">No lines yet. Use "Add line" to bill something.</p></Show>
      <Show when={props.error}><p class="field-error" role="alert">{props.error}</p></Show>
      <div class="actions"><button type="button" onClick={() => props.items.add()}>Add line</button></div>
      <dl class="fin-totals" aria-live="polite">
        <div><dt>Subtotal</dt><dd>{money(totals().subtotalMinor, props.currency)}</dd></div>
        <div><dt>Tax</dt><dd>{money(totals().taxMinor, props.currency)}</dd></div>
        <div class="strong"><dt>Total</dt><dd data-testid="editor-total">{money(totals().totalMinor, props.currency)}</dd></div>
      </dl>
    </fieldset>
  );
}
