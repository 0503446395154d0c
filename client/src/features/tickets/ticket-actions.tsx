import { createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { describedBy, Field, type TFieldErrors } from './field';
import type { TTicketStore } from './ticket-store';

/** "Close ticket" on an open ticket (anyone who may), with a busy state. */
export function CloseTicket(props: { store: TTicketStore; onDone: () => void }) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const close = async () => {
    setBusy(true);
    setError('');
    try {
      props.store.applySummary(await trpc.tickets.close.mutate({ ticketId: props.store.state.view!.ticket.id }));
      props.onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="close-ticket">
      <button type="button" onClick={close} disabled={busy()} aria-busy={busy()}>{busy() ? 'Closing…' : 'Close ticket'}</button>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
    </div>
  );
}

/** "Request reopen" on a closed ticket, with an optional reason. */
export function RequestReopen(props: { store: TTicketStore; onDone: () => void }) {
  const [reason, setReason] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<TFieldErrors>({});
  const [error, setError] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setErrors({});
    try {
      props.store.applySummary(await trpc.tickets.requestReopen.mutate({ ticketId: props.store.state.view!.ticket.id, reason: reason() || undefined }));
      props.onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-busy={busy()} aria-labelledby="reopen-title">
      <h2 id="reopen-title">This ticket is closed</h2>
      <p class="muted">Still having the problem? Ask us to reopen it.</p>
      <Show when={error() && !errors().reason}><p class="error" role="alert">{error()}</p></Show>
      <Field id="reopen-reason" label="Reason (optional)" error={errors().reason}>
        <textarea id="reopen-reason" rows={2} maxLength={2000} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} aria-invalid={!!errors().reason} aria-describedby={describedBy('reopen-reason', { error: errors().reason })} />
      </Field>
      <div class="actions">
        <button type="submit" disabled={busy()}>{busy() ? 'Sending…' : 'Request reopen'}</button>
      </div>
    </form>
  );
}

/** The requester's satisfaction rating once the ticket is closed: good or bad, and a comment. */
export function RateTicket(props: { store: TTicketStore; onDone: () => void }) {
  const [rating, setRating] = createSignal<'good' | 'bad' | ''>('');
  const [comment, setComment] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<TFieldErrors>({});
  const [error, setError] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = rating();
    if (!r) {
      setErrors({ rating: ['Choose Good or Bad.'] });
      return;
    }
    setBusy(true);
    setError('');
    setErrors({});
    try {
      await trpc.tickets.rate.mutate({ ticketId: props.store.state.view!.ticket.id, rating: r, comment: comment() || undefined });
      props.store.set('view', 'ticket', { satisfaction: r, satisfactionComment: comment().trim() || null, satisfactionAt: Date.now() });
      props.store.set('view', 'actions', 'rate', false);
      props.onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form rating" onSubmit={submit} aria-busy={busy()} aria-labelledby="rate-title" novalidate>
      <h2 id="rate-title">How did we do?</h2>
      <Show when={error() && !errors().rating && !errors().comment}><p class="error" role="alert">{error()}</p></Show>
      <fieldset class="rating-choice" aria-describedby={errors().rating ? 'rating-error' : undefined}>
        <legend>Your rating</legend>
        <label class="check"><input type="radio" name="rating" value="good" checked={rating() === 'good'} onChange={() => setRating('good')} /> <span aria-hidden="true">👍</span> Good</label>
        <label class="check"><input type="radio" name="rating" value="bad" checked={rating() === 'bad'} onChange={() => setRating('bad')} /> <span aria-hidden="true">👎</span> Bad</label>
      </fieldset>
      <Show when={errors().rating}><p class="field-error" id="rating-error">{errors().rating![0]}</p></Show>
      <Field id="rating-comment" label="Comment (optional)" error={errors().comment}>
        <textarea id="rating-comment" rows={2} maxLength={2000} value={comment()} onInput={(e) => setComment(e.currentTarget.value)} aria-invalid={!!errors().comment} />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Sending…' : 'Send rating'}</button>
      </div>
    </form>
  );
}

/** The rating once given (the requester and staff see it). */
export function RatingShown(props: { rating: 'good' | 'bad'; comment: string | null; mine: boolean }) {
  return (
    <p class="card rating-shown">
      {props.mine ? 'You rated this ticket: ' : 'Client rating: '}
      <strong>{props.rating === 'good' ? '👍 Good' : '👎 Bad'}</strong>
      <Show when={props.comment}> — “{props.comment}”</Show>
    </p>
  );
}
