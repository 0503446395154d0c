import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../../lib/trpc';

const PRIORITY = { high: 'High', medium: 'Medium', low: 'Low' } as const;

/** SLA targets per priority, in minutes; they apply to new tickets and priority changes. */
export function SlaSection() {
  const [rows, { refetch }] = createResource(() => trpc.ticketSettings.slaPolicies.query());
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal('');
  const save = async (e: SubmitEvent, priority: keyof typeof PRIORITY) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setError('');
    setStatus('');
    try {
      await trpc.ticketSettings.updateSla.mutate({
        priority,
        firstResponseMinutes: Number(form.get('firstResponseMinutes')),
        resolutionMinutes: Number(form.get('resolutionMinutes')),
      });
      setStatus(`${PRIORITY[priority]} priority targets saved.`);
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="card" aria-labelledby="sla-title">
      <h2 id="sla-title">Response targets (SLA)</h2>
      <Show when={status()}><p class="notice" role="status">{status()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <For each={rows()}>
        {(r) => (
          <form class="inline-form" onSubmit={(e) => void save(e, r.priority)} aria-label={`${PRIORITY[r.priority]} priority targets`}>
            <strong>{PRIORITY[r.priority]}</strong>
            <label for={`sla-${r.priority}-first`}>First response (minutes)</label>
            <input id={`sla-${r.priority}-first`} name="firstResponseMinutes" type="number" min="1" required value={r.firstResponseMinutes} />
            <label for={`sla-${r.priority}-resolution`}>Resolution (minutes)</label>
            <input id={`sla-${r.priority}-resolution`} name="resolutionMinutes" type="number" min="1" required value={r.resolutionMinutes} />
            <button type="submit">Save</button>
          </form>
        )}
      </For>
    </section>
  );
}
