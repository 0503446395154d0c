import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { LoadError, onFinanceChange } from '../finance/finance-kit';
import { QuoteView } from '../finance/quote-view';
import { QuoteForm } from './quote-form';

/** Staff: a new or draft quote in the editor; a sent one shows the client's decision live. */
export default function StaffQuotePage() {
  const params = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const isNew = () => params.id === 'new';
  const [companies] = createResource(() => trpc.finance.companies.query());
  const [summary] = createResource(() => trpc.finance.summary.query({}));
  const [quote, { refetch, mutate }] = createResource(() => (isNew() ? null : Number(params.id)), (quoteId) => trpc.finance.quote.query({ quoteId }));
  onFinanceChange(() => void (isNew() || refetch()));

  return (
    <>
      <p><A href="/staff/finance/quotes">← Quotes</A></p>
      <Show when={isNew()}>
        <h1>New quote</h1>
        <Show when={summary()} fallback={<p>Loading…</p>}>
          <QuoteForm
            currency={summary()!.currency}
            companyId={typeof search.company === 'string' ? search.company : undefined}
            companies={companies}
            onSaved={(q) => navigate(`/staff/finance/quotes/${q.id}`, { replace: true })}
          />
        </Show>
      </Show>
      <Show when={!isNew() && quote()} fallback={quote.error ? <LoadError error={quote.error} /> : null}>
        {(q) => (
          <article aria-labelledby="quote-title">
            <h1 id="quote-title">Quote {q().number}: {q().title}</h1>
            <Show when={q().storedStatus === 'draft'} fallback={<QuoteView quote={q()} />}>
              <p class="muted">A draft: only staff see it until it is sent.</p>
              <QuoteForm initial={q()} currency={q().currency} companies={companies} onSaved={(saved) => mutate(saved)} />
            </Show>
          </article>
        )}
      </Show>
    </>
  );
}
