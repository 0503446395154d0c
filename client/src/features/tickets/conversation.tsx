import { For, Show, type JSX } from 'solid-js';
import { AttachmentList, type TAttachmentView } from '../../ui/attachment-list';
import { formatDateTime, isoTime } from './format';
import type { TComment, TTicketView } from './ticket-store';

const SIDE_LABELS = { staff: 'Support team', client: 'Client' } as const;

function Message(props: {
  author: string;
  side: 'staff' | 'client';
  at: number;
  body: string;
  attachments: readonly TAttachmentView[];
  internal?: boolean;
  fresh?: boolean;
  id?: number;
  via?: string;
}) {
  return (
    <article
      class={`message ${props.side}`}
      classList={{ internal: !!props.internal, fresh: !!props.fresh }}
      data-comment-id={props.id}
      aria-label={props.internal ? `Internal note by ${props.author}` : `Message from ${props.author}`}
    >
      <p class="meta">
        <strong class="author">{props.author}</strong>
        <span class="side">{SIDE_LABELS[props.side]}</span>
        <time datetime={isoTime(props.at)}>{formatDateTime(props.at)}</time>
        <Show when={props.via === 'email'}><span class="via">by email</span></Show>
        <Show when={props.fresh}><span class="new-tag">New reply</span></Show>
      </p>
      <Show when={props.internal}>
        <p class="internal-label">Internal note — not visible to the client</p>
      </Show>
      <p class="body">{props.body}</p>
      <AttachmentList attachments={props.attachments} />
    </article>
  );
}

/**
 * The whole conversation, oldest first: the description, then both sides' replies (and, for
 * staff, internal notes). `below` adds staff tools under a comment (a held email's Release).
 */
export function Conversation(props: { view: TTicketView; fresh: Record<number, boolean>; below?: (c: TComment) => JSX.Element }) {
  return (
    <section class="thread" aria-labelledby="conversation-title">
      <h2 id="conversation-title">Conversation</h2>
      <Message
        author={props.view.requesterName ?? props.view.companyName}
        side={props.view.ticket.source === 'staff' ? 'staff' : 'client'}
        at={props.view.ticket.createdAt}
        body={props.view.ticket.description}
        attachments={props.view.ticket.descriptionAttachments}
        via={props.view.ticket.source}
      />
      <ol class="comments" aria-live="polite" aria-relevant="additions">
        <For each={props.view.comments}>
          {(c: TComment) => (
            <li>
              <Message
                id={c.id}
                author={c.authorName}
                side={c.authorSide}
                at={c.createdAt}
                body={c.body}
                attachments={c.attachments}
                internal={c.internal}
                fresh={!!props.fresh[c.id]}
                via={c.source}
              />
              {props.below?.(c)}
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
