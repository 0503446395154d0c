import { onCleanup } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { TTicketChanges, TTicketEvent, TTicketSummary } from '../../../../server/tickets/events';
import type { trpc } from '../../lib/trpc';
import type { TLiveEvent } from '../../lib/live';
import { me } from '../../lib/session';
import { announce } from '../../ui/announcer';

/*
 * One ticket, live: the view from `tickets.get`, with thread events applied in place.
 * Comments and time entries are deduped by id (a resync and a replay may both bring one);
 * a comment or field that just changed is flagged for a short highlight.
 */

export type TTicketView = Awaited<ReturnType<typeof trpc.tickets.get.query>>;
export type TComment = TTicketView['comments'][number];
export type TTimeEntry = TTicketView['timeEntries'][number];
type TState = { view: TTicketView | null; fresh: Record<number, boolean>; changed: Record<string, boolean>; notice: string };

const FLASH_MS = 4_000;
const FIELD_LABELS: Record<string, string> = { status: 'status', priority: 'priority', category: 'category', assignee: 'assignee', watcherContactIds: 'watchers' };

export function createTicketStore() {
  const [state, set] = createStore<TState>({ view: null, fresh: {}, changed: {}, notice: '' });
  const timers: ReturnType<typeof setTimeout>[] = [];
  onCleanup(() => timers.forEach(clearTimeout));
  const later = (fn: () => void) => timers.push(setTimeout(fn, FLASH_MS));
  /** Comments this tab sent: no "new reply" highlight for them. */
  const own = new Set<number>();

  /** A fresh read: keeps the identity of unchanged comments, so nothing on screen flickers. */
  const setView = (view: TTicketView) => set('view', reconcile(view, { key: 'id', merge: false }));

  const hasComment = (id: number) => !!state.view?.comments.some((c) => c.id === id);

  const addComment = (c: TComment) => {
    if (!state.view) return;
    // A held internal note released by staff arrives again, now public: it replaces the note.
    const at = state.view.comments.findIndex((x) => x.id === c.id);
    if (at !== -1) {
      if (state.view.comments[at]!.internal && !c.internal) set('view', 'comments', at, reconcile(c));
      return;
    }
    set(
      produce((s) => {
        const v = s.view!;
        v.comments.push(c);
        v.comments.sort((a, b) => a.id - b.id);
        v.ticket.updatedAt = Math.max(v.ticket.updatedAt, c.createdAt);
        if (!c.internal) v.ticket.lastReplyBy = c.authorSide;
        if (!c.internal && c.authorSide === 'staff' && v.ticket.firstRespondedAt === null) v.ticket.firstRespondedAt = c.createdAt;
      }),
    );
    if (own.has(c.id)) return;
    set('fresh', c.id, true);
    // Comments carry no author id: name and side tell this person's own reply (another tab, or
    // the event arriving before the send returns) from someone else's.
    const account = me()?.account;
    const mine = account && c.authorName === account.name && c.authorSide === (account.kind === 'staff' ? 'staff' : 'client');
    // The words stay in the thread (the next item to read); repeating them here would show them twice to search and find.
    if (!mine) announce(`New ${c.internal ? 'internal note' : 'reply'} from ${c.authorName}`);
    later(() => set('fresh', c.id, false));
  };

  const applyChanges = (changes: TTicketChanges, by?: { name: string }) => {
    if (!state.view) return;
    set(
      produce((s) => {
        const t = s.view!.ticket;
        if (changes.status !== undefined) {
          t.status = changes.status;
          t.closedAt = changes.status === 'closed' ? (t.closedAt ?? Date.now()) : null;
        }
        if (changes.priority !== undefined) t.priority = changes.priority;
        if (changes.category !== undefined) t.category = changes.category;
        if (changes.assignee !== undefined) {
          t.assigneeStaffId = changes.assignee?.staffId ?? null;
          t.assigneeName = changes.assignee?.name ?? null;
        }
        if (changes.watcherContactIds) {
          t.watcherContactIds = changes.watcherContactIds;
          s.view!.watchers = s.view!.watchers.filter((w) => changes.watcherContactIds!.includes(w.contactId));
        }
      }),
    );
    const fields = Object.keys(changes);
    for (const f of fields) set('changed', f, true);
    if (by) set('notice', `${by.name} changed the ${fields.map((f) => FIELD_LABELS[f] ?? f).join(' and ')}.`);
    later(() => fields.forEach((f) => set('changed', f, false)));
  };

  /** A mutation's answer (the summary after the change). */
  const applySummary = (summary: TTicketSummary) => {
    if (!state.view) return;
    set('view', 'ticket', (t) => ({ ...t, ...summary }));
  };

  const addTimeEntry = (entry: TTimeEntry) => {
    if (!state.view || state.view.timeEntries.some((e) => e.id === entry.id)) return;
    set(
      produce((s) => {
        s.view!.timeEntries.push(entry);
        if (s.view!.timeSpentMinutes !== null) s.view!.timeSpentMinutes += entry.minutes;
      }),
    );
    set('changed', 'time', true);
    later(() => set('changed', 'time', false));
  };

  /** A comment this tab sent: the event may have come first, so drop its highlight too. */
  const markOwn = (id: number) => {
    own.add(id);
    set('fresh', id, false);
  };

  /**
   * One thread event. Returns what the view cannot derive by itself and should re-read:
   * the caller's permitted actions after a status change, names of newly added watchers.
   */
  const apply = (raw: TLiveEvent): 'reread' | undefined => {
    const e = raw as TTicketEvent;
    if (e.kind === 'comment.added') addComment(e.payload.comment);
    else if (e.kind === 'time.logged') addTimeEntry(e.payload.entry);
    else if (e.kind === 'ticket.changed') {
      const known = new Set(state.view?.watchers.map((w) => w.contactId));
      applyChanges(e.payload.changes, e.payload.by);
      if (e.payload.changes.status !== undefined) return 'reread';
      if (e.payload.changes.watcherContactIds?.some((id) => !known.has(id))) return 'reread';
    }
    return undefined;
  };

  return { state, set, setView, apply, applyChanges, applySummary, addTimeEntry, hasComment, markOwn };
}

export type TTicketStore = ReturnType<typeof createTicketStore>;
