import { useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { PRIORITY_LABELS, StatusBadge } from './status-badge';

type TComment = Awaited<ReturnType<typeof trpc.tickets.get.query>>['comments'][number];

/** A ticket's conversation, live: replies from either side appear without reload. */
export default function TicketPage() {
  const params = useParams();
  const ticketId = () => Number(params.id);
  const [data] = createResource(ticketId, (id) => trpc.tickets.get.query({ ticketId: id }));
  const [comments, setComments] = createStore<{ list: (TComment & { fresh?: boolean })[] }>({ list: [] });
  const [body, setBody] = createSignal('');
  const [internal, setInternal] = createSignal(false);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  createEffect(() => {
    const d = data();
    if (!d) return;
    setComments('list', d.comments);
    const sub = trpc.tickets.onThread.subscribe(
      { ticketId: d.ticket.id, lastEventId: null },
      {
        onData: ({ data: ev }) => {
          if (ev.kind !== 'comment.added') return;
          const c = (ev.payload as { comment: TComment }).comment;
          setComments(
            produce((s) => {
              if (!s.list.some((x) => x.id === c.id)) s.list.push({ ...c, fresh: true });
            }),
          );
        },
      },
    );
    onCleanup(() => sub.unsubscribe());
  });

  const reply = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await trpc.tickets.reply.mutate({ ticketId: ticketId(), body: body(), internal: internal() });
      setBody('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={data()} fallback={<p>{data.error ? errorMessage(data.error) : 'Loading…'}</p>}>
      {(d) => (
        <article aria-labelledby="ticket-title">
          <div class="page-head">
            <h1 id="ticket-title">#{d().ticket.number} {d().ticket.subject}</h1>
          </div>
          <dl class="facts">
            <div><dt>Status</dt><dd><StatusBadge status={d().ticket.status} /></dd></div>
            <div><dt>Priority</dt><dd>{PRIORITY_LABELS[d().ticket.priority]}</dd></div>
            <div><dt>Company</dt><dd>{d().companyName}</dd></div>
            <Show when={d().requesterName}><div><dt>Requester</dt><dd>{d().requesterName}</dd></div></Show>
          </dl>
          <section class="thread" aria-label="Conversation">
            <div class="message client">
              <p class="meta">{d().requesterName ?? 'Client'} · {new Date(d().ticket.createdAt).toLocaleString()}</p>
              <p class="body">{d().ticket.description}</p>
            </div>
            <ol class="comments" aria-live="polite">
              <For each={comments.list}>
                {(c) => (
                  <li class={`message ${c.authorSide}`} classList={{ internal: c.internal, fresh: !!c.fresh }} data-comment-id={c.id}>
                    <p class="meta">
                      {c.authorName} · {new Date(c.createdAt).toLocaleString()}
                      <Show when={c.internal}> · <strong>Internal note</strong></Show>
                    </p>
                    <p class="body">{c.body}</p>
                  </li>
                )}
              </For>
            </ol>
          </section>
          <form class="card form" onSubmit={reply} aria-busy={busy()}>
            <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
            <label for="reply">Your reply</label>
            <textarea id="reply" rows={4} required value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
            <Show when={me()?.account?.kind === 'staff'}>
              <label class="check"><input type="checkbox" checked={internal()} onChange={(e) => setInternal(e.currentTarget.checked)} /> Internal note</label>
            </Show>
            <div class="actions"><button type="submit" class="primary" disabled={busy()}>Reply</button></div>
          </form>
        </article>
      )}
    </Show>
  );
}
