import { createResource, createSignal, For, Show } from 'solid-js';
import type { TTicketPriority } from '../../../../db/schema/tickets';
import { errorMessage, fieldErrors, trpc } from '../../lib/trpc';
import { AttachmentPicker } from '../../ui/attachment-picker';
import { describedBy, Field, type TFieldErrors } from './field';
import { PRIORITIES, PRIORITY_HINTS, PRIORITY_LABELS } from './status-badge';

/** "New Ticket" (seed 004 §5; the page supplies the heading #new-ticket-title): Subject, Priority, Category, Description, Attachments → "Raise Ticket". */
export function NewTicketForm(props: { onRaised: (ticketId: number) => void; onCancel: () => void }) {
  const [categories] = createResource(() => trpc.tickets.categories.query());
  const [subject, setSubject] = createSignal('');
  const [priority, setPriority] = createSignal<TTicketPriority>('medium');
  const [category, setCategory] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [attachmentIds, setAttachmentIds] = createSignal<number[]>([]);
  const [uploading, setUploading] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [errors, setErrors] = createSignal<TFieldErrors>({});
  const [error, setError] = createSignal('');

  /** The checks worth doing before a round trip; the server has the final word. */
  const check = (): TFieldErrors => ({
    subject: subject().trim() ? undefined : ['Enter a subject.'],
    description: description().trim() ? undefined : ['Describe the problem.'],
  });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy() || uploading()) return;
    const local = check();
    setErrors(local);
    setError('');
    if (local.subject || local.description) {
      document.getElementById(local.subject ? 'ticket-subject' : 'ticket-description')?.focus();
      return;
    }
    setBusy(true);
    try {
      const t = await trpc.tickets.create.mutate({
        subject: subject(),
        priority: priority(),
        category: category() || undefined,
        description: description(),
        attachmentIds: attachmentIds(),
      });
      props.onRaised(t.id);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form new-ticket" onSubmit={submit} aria-busy={busy()} aria-labelledby="new-ticket-title" novalidate>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <Field id="ticket-subject" label="Subject" error={errors().subject} hint="A brief summary of your issue.">
        <input
          id="ticket-subject"
          maxLength={200}
          required
          value={subject()}
          onInput={(e) => setSubject(e.currentTarget.value)}
          aria-invalid={!!errors().subject}
          aria-describedby={describedBy('ticket-subject', { hint: true, error: errors().subject })}
        />
      </Field>
      <div class="form-row">
        <Field id="ticket-priority" label="Priority" error={errors().priority} hint={<><strong>Use when:</strong> {PRIORITY_HINTS[priority()]}</>}>
          <select
            id="ticket-priority"
            onChange={(e) => setPriority(e.currentTarget.value as TTicketPriority)}
            aria-describedby={describedBy('ticket-priority', { hint: true, error: errors().priority })}
          >
            <For each={PRIORITIES}>{(p) => <option value={p} selected={p === priority()}>{PRIORITY_LABELS[p]}</option>}</For>
          </select>
        </Field>
        <Field id="ticket-category" label="Category (optional)" error={errors().category}>
          <select id="ticket-category" onChange={(e) => setCategory(e.currentTarget.value)} aria-invalid={!!errors().category}>
            <option value="">No category</option>
            <For each={categories() ?? []}>{(c) => <option value={c.name} selected={c.name === category()}>{c.name}</option>}</For>
          </select>
        </Field>
      </div>
      <Show when={priority() === 'high'}>
        <p class="notice priority-note">Reserve High priority for genuine emergencies; it delays answers to critical issues when overused.</p>
      </Show>
      <Field id="ticket-description" label="Description" error={errors().description} hint="What happened, error messages word for word, and what changed recently.">
        <textarea
          id="ticket-description"
          rows={7}
          required
          value={description()}
          onInput={(e) => setDescription(e.currentTarget.value)}
          aria-invalid={!!errors().description}
          aria-describedby={describedBy('ticket-description', { hint: true, error: errors().description })}
        />
      </Field>
      <AttachmentPicker onChange={setAttachmentIds} onBusy={setUploading} disabled={busy()} />
      <Show when={errors().attachmentIds}>
        <p class="field-error">{errors().attachmentIds![0]}</p>
      </Show>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy() || uploading()}>
          {busy() ? 'Raising…' : uploading() ? 'Waiting for uploads…' : 'Raise Ticket'}
        </button>
        <button type="button" onClick={() => props.onCancel()} disabled={busy()}>Cancel</button>
      </div>
    </form>
  );
}
