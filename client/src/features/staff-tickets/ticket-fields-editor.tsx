import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import type { TUpdateTicketInput } from '../../../../server/tickets/schemas';
import { errorMessage, trpc } from '../../lib/trpc';
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, STATUSES } from '../tickets/status-badge';
import type { TTicketStore } from '../tickets/ticket-store';

type TField = 'status' | 'priority' | 'category' | 'assigneeStaffId';

/** One select that saves on change: busy while saving, the server's refusal beside it. */
function SaveSelect(props: { id: string; label: string; busy: boolean; error?: string; onPick: (value: string) => void; children: JSX.Element }) {
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        <Show when={props.busy}> <span class="muted saving">Saving…</span></Show>
      </label>
      <select
        id={props.id}
        disabled={props.busy}
        aria-busy={props.busy}
        aria-invalid={!!props.error}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onPick(e.currentTarget.value)}
      >
        {props.children}
      </select>
      <Show when={props.error}><p class="field-error" id={`${props.id}-error`}>{props.error}</p></Show>
    </div>
  );
}

/** Status, priority, category and assignee; each applies at once. */
export function TicketFieldsEditor(props: { store: TTicketStore }) {
  const [categories] = createResource(() => trpc.tickets.categories.query());
  const [staff] = createResource(() => trpc.tickets.assignableStaff.query());
  const [busy, setBusy] = createSignal<TField | null>(null);
  const [errors, setErrors] = createSignal<Partial<Record<TField, string>>>({});
  const t = () => props.store.state.view!.ticket;

  const save = async (field: TField, change: Omit<TUpdateTicketInput, 'ticketId'>, revert: () => void) => {
    setBusy(field);
    setErrors({});
    try {
      props.store.applySummary(await trpc.tickets.update.mutate({ ticketId: t().id, ...change }));
    } catch (err) {
      setErrors({ [field]: errorMessage(err) });
      revert();
    } finally {
      setBusy(null);
    }
  };
  /** Puts a select back on the stored value after a refusal. */
  const reset = (id: string, value: string) => () => {
    const el = document.getElementById(id) as HTMLSelectElement | null;
    if (el) el.value = value;
  };

  return (
    <section class="card staff-fields" aria-labelledby="staff-fields-title">
      <h2 id="staff-fields-title">Ticket</h2>
      <SaveSelect id="staff-status" label="Status" busy={busy() === 'status'} error={errors().status}
        onPick={(v) => save('status', { status: v as TUpdateTicketInput['status'] }, reset('staff-status', t().status))}>
        <For each={STATUSES}>{(s) => <option value={s} selected={s === t().status}>{STATUS_LABELS[s]}</option>}</For>
      </SaveSelect>
      <SaveSelect id="staff-priority" label="Priority" busy={busy() === 'priority'} error={errors().priority}
        onPick={(v) => save('priority', { priority: v as TUpdateTicketInput['priority'] }, reset('staff-priority', t().priority))}>
        <For each={PRIORITIES}>{(p) => <option value={p} selected={p === t().priority}>{PRIORITY_LABELS[p]}</option>}</For>
      </SaveSelect>
      <SaveSelect id="staff-category" label="Category" busy={busy() === 'category'} error={errors().category}
        onPick={(v) => save('category', { category: v || null }, reset('staff-category', t().category ?? ''))}>
        <option value="" selected={!t().category}>No category</option>
        <Show when={t().category && !categories()?.some((c) => c.name === t().category)}>
          <option value={t().category!} selected>{t().category}</option>
        </Show>
        <For each={categories() ?? []}>{(c) => <option value={c.name} selected={c.name === t().category}>{c.name}</option>}</For>
      </SaveSelect>
      <SaveSelect id="staff-assignee" label="Assigned technician" busy={busy() === 'assigneeStaffId'} error={errors().assigneeStaffId}
        onPick={(v) => save('assigneeStaffId', { assigneeStaffId: v ? Number(v) : null }, reset('staff-assignee', String(t().assigneeStaffId ?? '')))}>
        <option value="" selected={!t().assigneeStaffId}>Unassigned</option>
        <For each={staff() ?? []}>{(s) => <option value={String(s.staffId)} selected={s.staffId === t().assigneeStaffId}>{s.name}</option>}</For>
      </SaveSelect>
    </section>
  );
}
