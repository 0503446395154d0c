import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../../lib/trpc';

/** The ticket category list: add, rename, and deactivate (kept on old tickets). */
export function CategoriesSection() {
  const [rows, { refetch }] = createResource(() => trpc.ticketSettings.categories.query());
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal('');
  const run = async (fn: () => Promise<string>) => {
    setError('');
    setStatus('');
    try {
      setStatus(await fn());
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(formEl).get('name') ?? '');
    void run(async () => {
      await trpc.ticketSettings.addCategory.mutate({ name });
      formEl.reset();
      return `${name} was added.`;
    });
  };
  return (
    <section class="card" aria-labelledby="categories-title">
      <h2 id="categories-title">Ticket categories</h2>
      <Show when={status()}><p class="notice" role="status">{status()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <ul class="rows">
        <For each={rows()}>
          {(c) => (
            <li>
              <form class="inline-form" aria-label={`Category ${c.name}`} onSubmit={(e) => {
                e.preventDefault();
                const name = String(new FormData(e.currentTarget).get('name') ?? '');
                void run(async () => { await trpc.ticketSettings.renameCategory.mutate({ categoryId: c.id, name }); return `Renamed to ${name}.`; });
              }}>
                <label for={`category-${c.id}`} class="sr-only">Name of {c.name}</label>
                <input id={`category-${c.id}`} name="name" value={c.name} required />
                <button type="submit">Rename</button>
                <label class="check">
                  <input type="checkbox" checked={c.active} onChange={(e) => {
                    const active = e.currentTarget.checked;
                    void run(async () => { await trpc.ticketSettings.setCategoryActive.mutate({ categoryId: c.id, active }); return `${c.name} is ${active ? 'offered again' : 'no longer offered'}.`; });
                  }} /> Offered on new tickets
                </label>
              </form>
            </li>
          )}
        </For>
      </ul>
      <form onSubmit={add} class="inline-form">
        <label for="new-category">New category</label>
        <input id="new-category" name="name" required />
        <button type="submit">Add category</button>
      </form>
    </section>
  );
}
