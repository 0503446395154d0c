import type { Clock } from '../core/clock';
import type { ServiceContext } from '../core/context';
import type { EventBus } from '../core/events';
import { requireStaff } from '../core/permissions';
import { ZPresenceInput, ZTicketIdInput } from './schemas';
import { loadVisibleTicket } from './ticket-access';

/*
 * Which staff are viewing or typing on a ticket. In memory only (one process serves the
 * portal; nothing here is worth keeping across a restart). Clients heartbeat about every
 * 10 s; an entry lapses 30 s after its last heartbeat, or when the staff member's last
 * presence subscription on the ticket closes.
 */
export const PRESENCE_TTL_MS = 30_000;
export type TPresenceState = 'viewing' | 'typing';
export interface TPresenceEntry {
  staffId: number;
  name: string;
  state: TPresenceState;
}
type TWho = { staffId: number; name: string };

export class TicketPresence {
  private readonly byTicket = new Map<number, Map<number, TPresenceEntry & { seenAt: number }>>();
  private readonly listeners = new Map<number, Set<() => void>>();
  private readonly holds = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly sweepEveryMs = 5_000,
  ) {}

  private live(seenAt: number): boolean {
    return this.clock.now().getTime() - seenAt < PRESENCE_TTL_MS;
  }

  /** A heartbeat or a state change; "left" removes the entry at once. */
  set(ticketId: number, who: TWho, state: TPresenceState | 'left'): void {
    let entries = this.byTicket.get(ticketId);
    if (state === 'left') {
      if (!entries?.delete(who.staffId)) return;
      if (!entries.size) this.byTicket.delete(ticketId);
    } else {
      if (!entries) this.byTicket.set(ticketId, (entries = new Map()));
      const prev = entries.get(who.staffId);
      entries.set(who.staffId, { staffId: who.staffId, name: who.name, state, seenAt: this.clock.now().getTime() });
      if (prev && prev.state === state && this.live(prev.seenAt)) return; // a plain heartbeat: nothing to announce
    }
    this.runTimer();
    this.notify(ticketId);
  }

  /** Who is on the ticket now, by name. */
  list(ticketId: number): TPresenceEntry[] {
    return [...(this.byTicket.get(ticketId)?.values() ?? [])]
      .filter((e) => this.live(e.seenAt))
      .map(({ staffId, name, state }) => ({ staffId, name, state }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.staffId - b.staffId);
  }

  /** Drops lapsed entries and tells listeners of the tickets that changed (run on a timer). */
  sweep(): void {
    for (const [ticketId, entries] of [...this.byTicket]) {
      let changed = false;
      for (const [staffId, e] of [...entries]) {
        if (!this.live(e.seenAt)) changed = entries.delete(staffId) || changed;
      }
      if (!entries.size) this.byTicket.delete(ticketId);
      if (changed) this.notify(ticketId);
    }
    this.runTimer();
  }

  onChange(ticketId: number, listener: () => void): () => void {
    let set = this.listeners.get(ticketId);
    if (!set) this.listeners.set(ticketId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(ticketId);
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
      this.set(ticketId, who, 'left');
    };
  }

  private notify(ticketId: number): void {
    for (const l of [...(this.listeners.get(ticketId) ?? [])]) l();
  }

  /** The sweep timer runs only while someone is present, and never keeps the process alive. */
  private runTimer(): void {
    if (this.byTicket.size && !this.timer) {
      this.timer = setInterval(() => this.sweep(), this.sweepEveryMs);
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
  if (!p) registries.set(ctx.bus, (p = new TicketPresence(ctx.clock)));
  return p;
}

/** Staff say they are viewing, typing on, or have left a ticket; returns who is there now. */
export async function setPresence(ctx: ServiceContext, input: unknown): Promise<TPresenceEntry[]> {
  const staff = requireStaff(ctx.actor);
  const { ticketId, state } = ZPresenceInput.parse(input);
  await loadVisibleTicket(ctx.db, staff, ticketId);
  const presence = presenceFor(ctx);
  presence.set(ticketId, { staffId: staff.staffId, name: staff.name }, state);
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
