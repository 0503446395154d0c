import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { PRIORITY_LABELS, StatusBadge } from './status-badge';

/** Tickets list with status filter and "New Ticket" (seed 004 Part II). */
export default function TicketsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [status, setStatus] = createSignal<'active' | 'all' | 'closed'>('active');
  const [tickets] = createResource(status, (s) => trpc.tickets.list.query({ status: s, scope: 'company' }));
  const [errors, setErrors] = createSignal<Record<string, string[] | undefined>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    setErrors({});
    try {
      const t = await trpc.tickets.create.mutate({
        subject: String(form.get('subject') ?? ''),
        description: String(form.get('description') ?? ''),
        priority: form.get('priority') as 'low' | 'medium' | 'high',
      });
      navigate(`/tickets/${t.id}`);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Tickets</h1>
        <Show when={me()?.account?.kind === 'contact' && !params.new}>
          <button type="button" class="primary" onClick={() => setParams({ new: '1' })}>New Ticket</button>
        </Show>
      </div>
      <Show when={params.new}>
        <form class="card form" onSubmit={submit} aria-busy={busy()} aria-labelledby="new-ticket">
          <h2 id="new-ticket">New Ticket</h2>
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
          <label for="subject">Subject</label>
          <input id="subject" name="subject" required maxLength={200} aria-invalid={!!errors().subject} />
          <Show when={errors().subject}><p class="field-error">{errors().subject![0]}</p></Show>
          <label for="priority">Priority</label>
          <select id="priority" name="priority">
            <option value="low">Low</option>
            <option value="medium" selected>Medium</option>
            <option value="high">High</option>
          </select>
          <label for="description">Description</label>
          <textarea id="description" name="description" rows={6} required aria-invalid={!!errors().description} />
          <Show when={errors().description}><p class="field-error">{errors().description![0]}</p></Show>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy()}>{busy() ? 'Raising…' : 'Raise Ticket'}</button>
            <button type="button" onClick={() => setParams({ new: undefined })}>Cancel</button>
          </div>
        </form>
      </Show>
      <div class="filters">
        <label for="status-filter">Status</label>
        <select id="status-filter" onChange={(e) => setStatus(e.currentTarget.value as 'active')}>
          <option value="active">Open tickets</option>
          <option value="closed">Closed</option>
          <option value="all">All</option>
        </select>
      </div>
      <Show when={tickets()} fallback={<p>Loading…</p>}>
        <Show when={tickets()!.items.length} fallback={<p class="muted">No tickets here yet.</p>}>
          <table class="list">
            <thead>
              <tr><th scope="col">Number</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Last update</th></tr>
            </thead>
            <tbody>
              <For each={tickets()!.items}>
                {(t) => (
                  <tr>
                    <td data-label="Number">#{t.number}</td>
                    <td data-label="Subject"><A href={`/tickets/${t.id}`}>{t.subject}</A></td>
                    <td data-label="Status"><StatusBadge status={t.status} /></td>
                    <td data-label="Priority">{PRIORITY_LABELS[t.priority]}</td>
                    <td data-label="Last update">{new Date(t.updatedAt).toLocaleString()}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </>
  );
}
