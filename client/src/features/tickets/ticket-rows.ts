import { announce } from '../../ui/announcer';
import { STATUS_LABELS } from './status-badge';
import { onCleanup } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { TTicketEvent, TTicketSummary } from '../../../../server/tickets/events';
import type { TLiveEvent } from '../../lib/live';

/*
 * A live ticket list (the contact's Tickets page, the staff Ticket feed): rows keyed by
 * ticket id, newest update first. List events carry the whole summary, so a row is
 * inserted, updated in place or dropped without asking the server again.
 */

export type TRow = TTicketSummary & { id: number };
/** Whether a ticket belongs in the list as filtered now; 'known' = update rows already shown, add none (e.g. while searching). */
export type TMatch = (t: TTicketSummary) => boolean | 'known';

const FLASH_MS = 2_500;
const newestFirst = (a: TRow, b: TRow) => b.updatedAt - a.updatedAt || b.id - a.id;

export function createTicketRows(matches: () => TMatch) {
  const [state, set] = createStore<{ rows: TRow[]; flash: Record<number, boolean> }>({ rows: [], flash: {} });
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  onCleanup(() => timers.forEach(clearTimeout));

  const flash = (id: number) => {
    clearTimeout(timers.get(id));
    set('flash', id, true);
    timers.set(
      id,
      setTimeout(() => set('flash', id, false), FLASH_MS),
    );
  };

  /** The first page (a new filter or a re-read): replaces the rows, keeping unchanged ones' identity. */
  const replace = (items: TRow[]) => set('rows', reconcile([...items].sort(newestFirst), { key: 'id' }));

  /** "Load more": appends rows not already shown (a live update may have moved one up). */
  const append = (items: TRow[]) =>
    set(
      produce((s) => {
        for (const item of items) if (!s.rows.some((r) => r.id === item.id)) s.rows.push(item);
        s.rows.sort(newestFirst);
      }),
    );

  /** One summary from an event or a mutation's answer. */
  const upsert = (summary: TTicketSummary) => {
    const row: TRow = { ...summary, id: summary.ticketId };
    const verdict = matches()(summary);
    let changed = false;
    set(
      produce((s) => {
        const i = s.rows.findIndex((r) => r.id === row.id);
        const current = i >= 0 ? s.rows[i]! : null;
        // A late event (replay after a re-read) must not undo a newer state.
        if (current && current.updatedAt > row.updatedAt) return;
        if (!verdict) {
          if (i >= 0) s.rows.splice(i, 1);
          return;
        }
        if (current) Object.assign(current, row);
        else if (verdict === true) s.rows.push(row);
        else return;
        changed = true;
        s.rows.sort(newestFirst);
      }),
    );
    if (changed) flash(row.id);
    return changed;
  };

  const apply = (raw: TLiveEvent) => {
    const event = raw as TTicketEvent;
    if (event.kind !== 'ticket.created' && event.kind !== 'ticket.updated') return;
    const t = event.payload.ticket;
    // Only what arrives live is spoken; a row this tab changed itself came back as a mutation's answer.
    if (upsert(t)) announce(`${event.kind === 'ticket.created' ? 'New ticket' : 'Ticket updated'}: #${t.number} ${t.subject}, ${STATUS_LABELS[t.status]}`);
  };

  return { state, replace, append, upsert, apply };
}
