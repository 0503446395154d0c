import { engineOf } from '../../db/client';
import type { Clock } from '../core/clock';
import type { ServiceContext } from '../core/context';
import type { EventBus } from '../core/events';
import { requireStaff } from '../core/permissions';
import { sharePresence, type TPresenceShare } from './presence-shared';
import { ZPresenceInput, ZTicketIdInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';

/*
 * Which staff are viewing or typing on a ticket. Clients heartbeat about every 10 s; an
 * entry lapses 30 s after its last heartbeat, or when the staff member's last presence
 * subscription on the ticket closes. SQLite (one process): in memory only, nothing here is
 * worth keeping across a restart. PostgreSQL (several nodes): memory is this node's view,
 * kept by a share (presence-shared.ts): heartbeats are written to a table, changes come
 * back as events from every node, and before an entry is dropped, or when it nears its
 * lapse, its `seen_at` is read again (its heartbeats may reach another node).
 */
export const PRESENCE_TTL_MS = 30_000;
export type TPresenceState = 'viewing' | 'typing';
export interface TPresenceEntry {
  staffId: number;
  name: string;
  state: TPresenceState;
}
type TWho = { staffId: number; name: string };
type TStored = TPresenceEntry & { seenAt: number };

export class TicketPresence {
  private readonly byTicket = new Map<number, Map<number, TStored>>();
  private readonly listeners = new Map<number, Set<() => void>>();
  private readonly follows = new Map<number, () => void>();
  private readonly holds = new Map<string, number>();
  /** Shared: when each `ticket:staff` last left, so an older event that arrives late does not bring them back. */
  private readonly leftAt = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly sweepEveryMs = 5_000,
    private readonly share: TPresenceShare | null = null,
  ) {}

  private live(seenAt: number): boolean {
    return this.clock.now().getTime() - seenAt < PRESENCE_TTL_MS;
  }

  /** A heartbeat or a state change; "left" removes the entry at once. Resolves once shared. */
  set(ticketId: number, who: TWho, state: TPresenceState | 'left'): Promise<void> {
    const seenAt = this.clock.now().getTime();
    const entries = this.byTicket.get(ticketId);
    const prev = entries?.get(who.staffId);
    const visible = state === 'left' ? !!prev : !(prev && prev.state === state && this.live(prev.seenAt));
    this.put(ticketId, { staffId: who.staffId, name: who.name, state, seenAt }, true);
    if (visible) this.notify(ticketId); // else a plain heartbeat: nothing to announce
    return this.share ? this.share.write(ticketId, { staffId: who.staffId, name: who.name, state, seenAt }, PRESENCE_TTL_MS) : Promise.resolve();
  }

  /** Who is on the ticket now, by name. */
  list(ticketId: number): TPresenceEntry[] {
    return [...(this.byTicket.get(ticketId)?.values() ?? [])]
      .filter((e) => this.live(e.seenAt))
      .map(({ staffId, name, state }) => ({ staffId, name, state }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.staffId - b.staffId);
  }

  /**
   * Drops lapsed entries and tells listeners of the tickets that changed (run on a timer).
   * Shared: the followed tickets' entries that lapse within two sweeps are read again first
   * (one query); a ticket whose read failed keeps its entries until a sweep that succeeds.
   */
  async sweep(): Promise<void> {
    let unread = new Set<number>();
    if (this.share) {
      const soon = PRESENCE_TTL_MS - 2 * this.sweepEveryMs;
      const now = this.clock.now().getTime();
      const due = [...this.byTicket]
        .filter(([t, es]) => this.follows.has(t) && [...es.values()].some((e) => now - e.seenAt >= soon))
        .map(([t]) => t);
      if (due.length) {
        try {
          for (const row of await this.share.read(due)) this.put(row.ticketId, row, false);
        } catch {
          unread = new Set(due);
        }
      }
    }
    for (const [key, at] of [...this.leftAt]) if (!this.live(at)) this.leftAt.delete(key);
    for (const [ticketId, entries] of [...this.byTicket]) {
      if (unread.has(ticketId)) continue;
      let changed = false;
      for (const [staffId, e] of [...entries]) {
        if (!this.live(e.seenAt)) changed = entries.delete(staffId) || changed;
      }
      if (!entries.size) this.byTicket.delete(ticketId);
      if (changed) this.notify(ticketId);
    }
    this.runTimer();
  }

  /** Shared: reads the ticket's rows (other nodes' staff) into memory. */
  async load(ticketId: number): Promise<void> {
    if (!this.share) return;
    let changed = false;
    for (const row of await this.share.read([ticketId])) changed = this.put(ticketId, row, false) || changed;
    if (changed) this.notify(ticketId);
  }

  onChange(ticketId: number, listener: () => void): () => void {
    let set = this.listeners.get(ticketId);
    if (!set) this.listeners.set(ticketId, (set = new Set()));
    set.add(listener);
    if (this.share && !this.follows.has(ticketId)) {
      this.follows.set(
        ticketId,
        this.share.follow(ticketId, (e) => {
          if (this.put(ticketId, e, false)) this.notify(ticketId);
        }),
      );
    }
    return () => {
      set.delete(listener);
      if (set.size) return;
      this.listeners.delete(ticketId);
      this.follows.get(ticketId)?.();
      this.follows.delete(ticketId);
    };
  }

  /** A staff member's open subscription on a ticket; closing their last one makes them leave. */
  hold(ticketId: number, who: TWho): () => void {
    const key = `${ticketId}:${who.staffId}`;
    this.holds.set(key, (this.holds.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(key) ?? 1) - 1;
      if (left > 0) {
        this.holds.set(key, left);
        return;
      }
      this.holds.delete(key);
      // Should the leave not reach the table, the row lapses there within the TTL all the same.
      this.set(ticketId, who, 'left').catch(() => {});
    };
  }

  /**
   * Puts an entry (or a leave) into memory; whether what `list` shows may have changed.
   * Own changes always apply; another's (or an echo of one's own) only if not older than
   * what is held, so events that cross on their way apply in time order.
   */
  private put(ticketId: number, e: Omit<TStored, 'state'> & { state: TPresenceState | 'left' }, own: boolean): boolean {
    let entries = this.byTicket.get(ticketId);
    const prev = entries?.get(e.staffId);
    const key = `${ticketId}:${e.staffId}`;
    if (!own && ((prev && prev.seenAt > e.seenAt) || (this.leftAt.get(key) ?? -Infinity) >= e.seenAt)) return false;
    if (e.state === 'left') {
      if (this.share) this.leftAt.set(key, e.seenAt);
      if (!prev) return false;
      entries!.delete(e.staffId);
      if (!entries!.size) this.byTicket.delete(ticketId);
    } else {
      if (!entries) this.byTicket.set(ticketId, (entries = new Map()));
      entries.set(e.staffId, { staffId: e.staffId, name: e.name, state: e.state, seenAt: e.seenAt });
    }
    this.runTimer();
    return !prev || e.state === 'left' || prev.state !== e.state || prev.name !== e.name || this.live(prev.seenAt) !== this.live(e.seenAt);
  }

  private notify(ticketId: number): void {
    for (const l of [...(this.listeners.get(ticketId) ?? [])]) l();
  }

  /** The sweep timer runs only while someone is present, and never keeps the process alive. */
  private runTimer(): void {
    if (this.byTicket.size && !this.timer) {
      this.timer = setInterval(() => void this.sweep(), this.sweepEveryMs);
      this.timer.unref?.();
    } else if (!this.byTicket.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

/** One presence registry per running portal (its bus), so test contexts stay apart. */
const registries = new WeakMap<EventBus, TicketPresence>();
export function presenceFor(ctx: ServiceContext): TicketPresence {
  let p = registries.get(ctx.bus);
  if (!p) registries.set(ctx.bus, (p = new TicketPresence(ctx.clock, undefined, engineOf(ctx.db) === 'pg' ? sharePresence(ctx) : null)));
  return p;
}

/** Staff say they are viewing, typing on, or have left a ticket; returns who is there now. */
export async function setPresence(ctx: ServiceContext, input: unknown): Promise<TPresenceEntry[]> {
  const staff = requireStaff(ctx.actor);
  const { ticketId, state } = ZPresenceInput.parse(input);
  await loadVisibleTicket(ctx.db, staff, ticketId);
  const presence = presenceFor(ctx);
  await presence.set(ticketId, { staffId: staff.staffId, name: staff.name }, state);
  return presence.list(ticketId);
}

/**
 * Yields who is on a ticket now and again whenever that changes, until `signal` aborts or
 * an event arrives on `stopTopic` (the session ended). The subscriber counts as present
 * only through heartbeats, but leaves when their last subscription here closes.
 */
export async function* followPresence(
  ctx: ServiceContext,
  input: unknown,
  opts: { signal?: AbortSignal; stopTopic?: string } = {},
): AsyncGenerator<TPresenceEntry[]> {
  const staff = requireStaff(ctx.actor);
  const { ticketId } = ZTicketIdInput.parse(input);
  await loadVisibleTicket(ctx.db, staff, ticketId);
  const presence = presenceFor(ctx);
  let wake: (() => void) | null = null;
  let dirty = true;
  let stopped = false;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  const stop = () => {
    stopped = true;
    wake?.();
  };
  const offChange = presence.onChange(ticketId, poke);
  const offStop = opts.stopTopic ? ctx.bus.on(opts.stopTopic, stop) : () => {};
  const release = presence.hold(ticketId, { staffId: staff.staffId, name: staff.name });
  opts.signal?.addEventListener('abort', stop);
  try {
    // Staff present through other nodes come in a list of their own once read: the first
    // list, from memory, is not held up by the database.
    presence.load(ticketId).catch((err: unknown) => ctx.log.warn({ err, ticketId }, 'reading presence failed'));
    let last = '';
    while (!stopped && !opts.signal?.aborted) {
      if (dirty) {
        dirty = false;
        const now = presence.list(ticketId);
        const key = JSON.stringify(now);
        if (key !== last) {
          last = key;
          yield now;
        }
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    offChange();
    offStop();
    opts.signal?.removeEventListener('abort', stop);
    release();
  }
}
