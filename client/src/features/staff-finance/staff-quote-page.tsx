import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { QuoteView } from '../finance/quote-view';
import { QUOTE_DRAFT } from './draft-kinds';
import { StaffDraftPage } from './staff-draft-page';

/** Staff: a new or draft quote in the editor; a sent one shows the client's decision live. */
export default function StaffQuotePage() {
  return (
    <StaffDraftPage kind={QUOTE_DRAFT} back={<A href="/staff/finance/quotes">← Quotes</A>} load={(quoteId) => trpc.finance.quote.query({ quoteId })}>
      {(q, { editor }) => (
        <article aria-labelledby="quote-title">
          <h1 id="quote-title">Quote {q().number}: {q().title}</h1>
          <Show when={q().storedStatus === 'draft'} fallback={<QuoteView quote={q()} />}>
            {editor()}
          </Show>
        </article>
      )}
    </StaffDraftPage>
  );
}
