import { For, Show } from 'solid-js';
import { browserTimeZone, formatDateTime, setDisplayTimeZone } from '../../lib/dates';
import { createFormState } from '../../lib/form-state';
import { me, setMe } from '../../lib/session';
import { trpc } from '../../lib/trpc';

// Every zone the browser knows, by IANA name ("Europe/Berlin").
const ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** Account > Time zone: the zone every date and time in the portal is shown in; the browser's by default. */
export function TimeZoneSection() {
  const { errors, error, saved, busy, run } = createFormState();
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get('timeZone') ?? '');
    void run(async () => {
      const { timeZone } = await trpc.people.setTimeZone.mutate({ timeZone: value || null });
      setDisplayTimeZone(timeZone);
      setMe((m) => (m ? { ...m, timeZone } : m));
      return 'Your time zone was saved.';
    });
  };
  return (
    <section class="card" aria-labelledby="time-zone-title">
      <h2 id="time-zone-title">Time zone</h2>
      <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <form onSubmit={save} aria-busy={busy()}>
        <label for="time-zone">Show dates and times in</label>
        <select id="time-zone" name="timeZone" aria-describedby="time-zone-now">
          <option value="" selected={!me()?.timeZone}>This browser's time zone ({browserTimeZone()})</option>
          <For each={ZONES}>{(z) => <option value={z} selected={me()?.timeZone === z}>{z.replaceAll('_', ' ')}</option>}</For>
        </select>
        <Show when={errors().timeZone}><p class="field-error">{errors().timeZone![0]}</p></Show>
        <p id="time-zone-now" class="muted">Now: {formatDateTime(Date.now())}</p>
        <button type="submit" class="primary" disabled={busy()}>Save time zone</button>
      </form>
    </section>
  );
}
