import { createResource, For, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { MailFlags } from './mail-flags';
import { OriginalMessage } from './original-message';

/**
 * Staff only: for each part of a ticket that came by email, its flags and the original
 * message. `emailCount` is how many emailed comments the page shows, so a new one arriving
 * live refetches the list.
 */
export function EmailedParts(props: { ticketId: number; emailCount: number }) {
  const [parts] = createResource(
    () => ({ ticketId: props.ticketId, n: props.emailCount }),
    ({ ticketId }) => trpc.inboundMail.forTicket.query({ ticketId }),
  );
  return (
    <Show when={parts()?.length}>
      <section class="card" aria-labelledby="emailed-title">
        <h2 id="emailed-title">Received by email</h2>
        <ul class="rows">
          <For each={parts()}>
            {(p) => (
              <li>
                <span>{p.commentId === null ? 'The ticket description' : `Reply #${p.commentId}`}</span> <MailFlags flags={p.flags} />
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
