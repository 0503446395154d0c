import { Show } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { LinesTable, Totals } from './document-view';
import { dateText, QuoteBadge } from './finance-kit';
import { formatDateTime } from '../../lib/dates';

export type TQuote = Awaited<ReturnType<typeof trpc.finance.quote.query>>;

/** A quote's facts, lines, totals and (once decided) who decided, when, and their comment. */
export function QuoteView(props: { quote: TQuote }) {
  const q = () => props.quote;
  return (
    <>
      <dl class="facts fin-facts">
        <div><dt>Company</dt><dd>{q().companyName}</dd></div>
        <div><dt>Issued</dt><dd>{dateText(q().issueDate)}</dd></div>
        <div><dt>Valid until</dt><dd>{dateText(q().expiryDate)}</dd></div>
        <div><dt>Status</dt><dd data-testid="quote-status"><QuoteBadge status={q().status} /></dd></div>
      </dl>
      <Show when={q().decision}>
        {(d) => (
          <div class="card fin-decision" role="status">
            <p>
              <strong>{q().status === 'accepted' ? 'Accepted' : 'Declined'}</strong> by {d().by ?? 'a contact'} on {formatDateTime(d().at)}
            </p>
            <Show when={d().comment}><blockquote>{d().comment}</blockquote></Show>
          </div>
        )}
      </Show>
      <section aria-labelledby="quote-lines">
        <h2 id="quote-lines">Line items</h2>
        <LinesTable lines={q().lines} currency={q().currency} />
        <Totals currency={q().currency} subtotalMinor={q().subtotalMinor} taxMinor={q().taxMinor} totalMinor={q().totalMinor} />
      </section>
      <Show when={q().notes}>
        <section aria-labelledby="quote-notes"><h2 id="quote-notes">Notes</h2><p class="fin-notes">{q().notes}</p></section>
      </Show>
    </>
  );
}
