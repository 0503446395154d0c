import { createSignal, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import './staff-mail.css';

export type TMailPart = Awaited<ReturnType<typeof trpc.inboundMail.forTicket.query>>[number];

/**
 * Staff, under an emailed reply held as an internal note because its sender could not be
 * authenticated: why, and "Release", which (after a confirmation) makes it the public reply
 * it would have been, from the contact, mailed as any client reply. The verdict in full is in
 * the original email (Received by email → Show original email).
 */
export function HeldReply(props: { commentId: number; author: string; part: TMailPart; onReleased: () => void }) {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const release = async () => {
    setBusy(true);
    setError('');
    try {
      await trpc.tickets.releaseMailNote.mutate({ commentId: props.commentId });
      setConfirming(false);
      props.onReleased();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="held-reply" role="group" aria-label="Held reply from an unverified sender">
      <p>
        <strong>Unverified sender.</strong> This emailed reply claims to be from {props.author}, but the sender could not be authenticated, so it is
        held here and not shown to the client.
      </p>
      <Show when={props.part.senderSummary}><p class="muted">Sender authentication: {props.part.senderSummary}</p></Show>
      <Show
        when={confirming()}
        fallback={
          <button type="button" onClick={() => setConfirming(true)} disabled={busy()}>
            Release
          </button>
        }
      >
        <span class="held-confirm" role="group" aria-label="Release this reply?">
          <span>Post it to the client's thread as their reply? Everyone on the ticket is notified.</span>
          <button type="button" class="primary" onClick={() => void release()} disabled={busy()}>
            Yes, release
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={busy()}>
            Cancel
          </button>
        </span>
      </Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
    </div>
  );
}
export default HeldReply;
