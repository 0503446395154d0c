import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { MailView } from './mail-view';

/**
 * <OriginalMessage inboundMessageId={id} />: for staff on a ticket, under a comment (or the
 * description) that came by email. Collapsed to a "Show original email" button; expanded
 * it shows the message as received (sanitised) and offers the .eml. Which comments came by
 * mail: trpc.inboundMail.forTicket({ ticketId }) → [{ commentId, inboundMessageId, flags }].
 */
export function OriginalMessage(props: { inboundMessageId: number }) {
  const [open, setOpen] = createSignal(false);
  const [mail] = createResource(
    () => (open() ? props.inboundMessageId : null),
    (inboundMessageId) => trpc.inboundMail.get.query({ inboundMessageId }),
  );
  return (
    <div class="original-message">
      <button type="button" class="link" aria-expanded={open()} onClick={() => setOpen(!open())}>
        {open() ? 'Hide original email' : 'Show original email'}
      </button>
      <Show when={open()}>
        <Show when={mail()} fallback={<p class="muted">{mail.error ? errorMessage(mail.error) : 'Loading…'}</p>}>
          {(m) => <MailView mail={m()} />}
        </Show>
      </Show>
    </div>
  );
}

export default OriginalMessage;
