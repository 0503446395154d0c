import { createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { describedBy, Field, type TFieldErrors } from '../tickets/field';
import { formatDateTime, formatMinutes } from '../tickets/format';
import type { TTicketStore } from '../tickets/ticket-store';

/** "Log time": minutes and a note, and the entries so far (staff only). */
export function LogTime(props: { store: TTicketStore }) {
  const [minutes, setMinutes] = createSignal('');
  const [note, setNote] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<TFieldErrors>({});
  const [error, setError] = createSignal('');
  const view = () => props.store.state.view!;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const n = Number(minutes());
    if (!minutes().trim() || !Number.isInteger(n) || n < 1 || n > 1440) {
      setErrors({ minutes: ['Enter whole minutes from 1 to 1440.'] });
      return;
    }
    setBusy(true);
    setErrors({});
    setError('');
    try {
      props.store.addTimeEntry(await trpc.tickets.logTime.mutate({ ticketId: view().ticket.id, minutes: n, note: note().trim() || undefined }));
      setMinutes('');
      setNote('');
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card log-time" aria-labelledby="log-time-title">
      <h2 id="log-time-title">Time</h2>
      <p>
        Total: <strong>{formatMinutes(view().timeSpentMinutes ?? 0)}</strong>
      </p>
      <ul class="rows time-entries">
        <For each={view().timeEntries}>
          {(t) => (
            <li>
              {formatMinutes(t.minutes)} · {t.staffName} · <span class="muted">{formatDateTime(t.createdAt)}</span>
              <Show when={t.note}><br />{t.note}</Show>
            </li>
          )}
        </For>
      </ul>
      <form class="form" onSubmit={submit} aria-busy={busy()} novalidate>
        <Show when={error() && !errors().minutes && !errors().note}><p class="error" role="alert">{error()}</p></Show>
        <Field id="time-minutes" label="Minutes" error={errors().minutes}>
          <input id="time-minutes" type="number" inputmode="numeric" min={1} max={1440} step={1} value={minutes()} onInput={(e) => setMinutes(e.currentTarget.value)} aria-invalid={!!errors().minutes} aria-describedby={describedBy('time-minutes', { error: errors().minutes })} />
        </Field>
        <Field id="time-note" label="Note (optional)" error={errors().note}>
          <input id="time-note" maxLength={500} value={note()} onInput={(e) => setNote(e.currentTarget.value)} aria-invalid={!!errors().note} />
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy()}>{busy() ? 'Logging…' : 'Log time'}</button>
        </div>
      </form>
    </section>
  );
}
