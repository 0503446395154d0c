import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { dateText, Field, onFinanceChange } from './finance-kit';
import { QuoteView } from './quote-view';

/** One quote; a Billing or Primary contact Accepts or Declines it once, with an optional comment. */
export default function QuotePage() {
  const params = useParams();
  const id = () => recordId(params.id);
  const [quote, { refetch, mutate }] = createResource(id, (quoteId) => trpc.finance.quote.query({ quoteId }));
  onFinanceChange(() => void refetch());
  const [comment, setComment] = createSignal('');
  const [busy, setBusy] = createSignal<'accept' | 'decline' | null>(null);
  const [error, setError] = createSignal('');
  const [commentError, setCommentError] = createSignal<string | undefined>();

  const decide = async (decision: 'accept' | 'decline') => {
    setBusy(decision);
    setError('');
    setCommentError(undefined);
    try {
      mutate(await trpc.finance.decideQuote.mutate({ quoteId: Number(params.id), decision, comment: comment() || undefined }));
    } catch (err) {
      setCommentError(fieldErrors(err).comment?.[0]);
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <p><A href="/finance/quotes">← Quotes</A></p>
      <RecordView record={quote} validId={id() !== null} noun="Quote" back={{ href: '/finance/quotes', label: '← Quotes' }}>
        {(q) => (
          <article aria-labelledby="quote-title">
            <h1 id="quote-title">Quote {q().number}: {q().title}</h1>
            <QuoteView quote={q()} />
            <Show when={q().awaitingDecision && me()?.account?.kind === 'contact'}>
              <form class="card form fin-decide" aria-labelledby="decide-h" aria-busy={!!busy()} onSubmit={(e) => e.preventDefault()}>
                <h2 id="decide-h">Your decision</h2>
                <p class="muted">You can accept or decline this quote once, until {dateText(q().expiryDate)}.</p>
                <Show when={error() && !commentError()}><p class="error" role="alert">{error()}</p></Show>
                <Field id="quote-comment" label="Comment (optional)" error={commentError()}>
                  <textarea id="quote-comment" rows={3} maxLength={2000} value={comment()} onInput={(e) => setComment(e.currentTarget.value)} aria-invalid={!!commentError()} />
                </Field>
                <div class="actions">
                  <button type="button" class="primary" disabled={!!busy()} onClick={() => decide('accept')}>{busy() === 'accept' ? 'Accepting…' : 'Accept'}</button>
                  <button type="button" disabled={!!busy()} onClick={() => decide('decline')}>{busy() === 'decline' ? 'Declining…' : 'Decline'}</button>
                </div>
              </form>
            </Show>
          </article>
        )}
      </RecordView>
    </>
  );
}
