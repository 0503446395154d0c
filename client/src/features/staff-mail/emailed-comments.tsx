import { For, Show } from 'solid-js';
import type { TMailPart } from './held-reply';
import { MailFlags } from './mail-flags';
import { OriginalMessage } from './original-message';

/**
 * Staff only: for each part of a ticket that came by email, its flags, the sender
 * authentication verdict in one line, and the original message. The ticket page reads the
 * parts (trpc.inboundMail.forTicket), again whenever an emailed comment arrives or changes.
 */
export function EmailedParts(props: { parts: readonly TMailPart[] | undefined }) {
  return (
    <Show when={props.parts?.length}>
      <section class="card" aria-labelledby="emailed-title">
        <h2 id="emailed-title">Received by email</h2>
        <ul class="rows">
          <For each={props.parts}>
            {(p) => (
              <li>
                <span>{p.commentId === null ? 'The ticket description' : `Reply #${p.commentId}`}</span> <MailFlags flags={p.flags} />
                <Show when={p.senderSummary}><span class="muted sender-summary"> {p.senderSummary}</span></Show>
                <OriginalMessage inboundMessageId={p.inboundMessageId} />
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
export default EmailedParts;
