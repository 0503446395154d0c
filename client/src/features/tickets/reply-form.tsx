import { createSignal, Show } from 'solid-js';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { AttachmentPicker } from '../../ui/attachment-picker';
import { describedBy, type TFieldErrors } from './field';

/**
 * The reply box at the bottom of a ticket (seed 004 §8). Staff choose between a reply to
 * the client and an internal note; the note is styled and labelled apart so nobody
 * mistakes one for the other.
 */
export function ReplyForm(props: { ticketId: number; staff: boolean; onSent: (commentId: number) => void; onTyping?: (hasText: boolean) => void }) {
  const [body, setBody] = createSignal('');
  const [internal, setInternal] = createSignal(false);
  const [attachmentIds, setAttachmentIds] = createSignal<number[]>([]);
  const [uploading, setUploading] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<TFieldErrors>({});
  const [error, setError] = createSignal('');
  let picker: { clear: () => void } | undefined;

  const label = () => (internal() ? 'Internal note — not visible to the client' : props.staff ? 'Reply to the client' : 'Your reply');

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy() || uploading()) return;
    setError('');
    if (!body().trim()) {
      setErrors({ body: [internal() ? 'Write the note.' : 'Write a reply.'] });
      document.getElementById('reply-body')?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const c = await trpc.tickets.reply.mutate({ ticketId: props.ticketId, body: body(), internal: internal(), attachmentIds: attachmentIds() });
      setBody('');
      picker?.clear();
      props.onTyping?.(false);
      props.onSent(c.id);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form reply-form" classList={{ 'internal-note': internal() }} onSubmit={submit} aria-busy={busy()} novalidate>
      <Show when={props.staff}>
        <fieldset class="reply-mode">
          <legend class="sr-only">Send as</legend>
          <label class="check">
            <input type="radio" name="reply-mode" value="reply" checked={!internal()} onChange={() => setInternal(false)} /> Reply to client
          </label>
          <label class="check">
            <input type="radio" name="reply-mode" value="internal" checked={internal()} onChange={() => setInternal(true)} /> Internal note
          </label>
        </fieldset>
      </Show>
      <Show when={error() && !errors().body}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <label for="reply-body">{label()}</label>
      <textarea
        id="reply-body"
        rows={4}
        value={body()}
        onInput={(e) => {
          setBody(e.currentTarget.value);
          props.onTyping?.(!!e.currentTarget.value.trim());
        }}
        aria-invalid={!!errors().body}
        aria-describedby={describedBy('reply-body', { error: errors().body })}
      />
      <Show when={errors().body}>
        <p class="field-error" id="reply-body-error">{errors().body![0]}</p>
      </Show>
      <AttachmentPicker onChange={setAttachmentIds} onBusy={setUploading} disabled={busy()} controls={(c) => (picker = c)} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy() || uploading()}>
          {busy() ? 'Sending…' : uploading() ? 'Waiting for uploads…' : internal() ? 'Add internal note' : 'Reply'}
        </button>
      </div>
    </form>
  );
}
