import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import type { TTicketStore } from '../tickets/ticket-store';

/** Contacts of the ticket's company who follow it: add one from the company, or remove one. */
export function WatchersEditor(props: { store: TTicketStore; onChanged: () => void }) {
  const ticketId = () => props.store.state.view!.ticket.id;
  const [candidates] = createResource(ticketId, (id) => trpc.tickets.watcherCandidates.query({ ticketId: id }));
  const [pick, setPick] = createSignal('');
  const [busy, setBusy] = createSignal<number | 'add' | null>(null);
  const [error, setError] = createSignal('');
  const watchers = () => props.store.state.view!.watchers;
  const available = () => (candidates() ?? []).filter((c) => !watchers().some((w) => w.contactId === c.contactId));

  /** Applies the answer; names come from the candidate list, so no re-read is needed. */
  const settle = (ids: number[]) => {
    const byId = new Map([...(candidates() ?? []), ...watchers()].map((c) => [c.contactId, c]));
    const next = ids.map((id) => byId.get(id)).filter((c): c is NonNullable<typeof c> => !!c);
    props.store.set('view', 'watchers', next.map((c) => ({ contactId: c.contactId, name: c.name, email: c.email })));
    props.store.set('view', 'ticket', 'watcherContactIds', ids);
    if (next.length !== ids.length) props.onChanged();
  };

  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!pick()) {
      setError('Choose a contact to add.');
      return;
    }
    setBusy('add');
    setError('');
    try {
      const s = await trpc.tickets.addWatcher.mutate({ ticketId: ticketId(), contactId: Number(pick()) });
      settle(s.watcherContactIds);
      setPick('');
    } catch (err) {
      setError(fieldErrors(err).contactId?.[0] ?? errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (contactId: number) => {
    setBusy(contactId);
    setError('');
    try {
      settle((await trpc.tickets.removeWatcher.mutate({ ticketId: ticketId(), contactId })).watcherContactIds);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card watchers" aria-labelledby="watchers-title">
      <h2 id="watchers-title">Watchers</h2>
      <ul class="rows">
        <For each={watchers()} fallback={<li class="muted">Nobody else follows this ticket.</li>}>
          {(w) => (
            <li>
              {w.name} <span class="muted">{w.email}</span>{' '}
              <button type="button" class="link" disabled={busy() !== null} aria-busy={busy() === w.contactId} aria-label={`Remove ${w.name}`} onClick={() => remove(w.contactId)}>
                {busy() === w.contactId ? 'Removing…' : 'Remove'}
              </button>
            </li>
          )}
        </For>
      </ul>
      <form class="inline-form" onSubmit={add} aria-busy={busy() === 'add'}>
        <label for="watcher-pick">Add watcher</label>
        <select id="watcher-pick" onChange={(e) => setPick(e.currentTarget.value)} aria-invalid={!!error()} aria-describedby={error() ? 'watcher-error' : undefined}>
          <option value="" selected={!pick()}>Choose a contact</option>
          <For each={available()}>{(c) => <option value={String(c.contactId)} selected={String(c.contactId) === pick()}>{c.name}</option>}</For>
        </select>
        <button type="submit" disabled={busy() !== null}>{busy() === 'add' ? 'Adding…' : 'Add'}</button>
      </form>
      <Show when={error()}><p class="field-error" id="watcher-error">{error()}</p></Show>
    </section>
  );
}
