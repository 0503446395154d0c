import type { TEventRow } from '../../db/schema/events';

/**
 * The in-process event bus. Services append events to the durable `events` table inside
 * their transaction and publish the committed rows here; subscribers replay from the
 * table by id and then follow the bus, so a reconnecting client misses nothing.
 *
 * Each topic has one member set, and the bus is its only publisher: a live stream joins
 * as an object with `deliver` (no closure per subscriber), and one published row, with
 * its payload, is shared by every member; nobody may change it.
 */
export type TBusListener = (event: TEventRow) => void;
export interface TBusMember {
  deliver(event: TEventRow): void;
}

type TMember = TBusListener | TBusMember;

/** What publishes this process's committed events when the bus does not do it itself (EventRelay). */
export interface TCommitRelay {
  committing(events: readonly TEventRow[]): void;
  abandoned(events: readonly TEventRow[]): void;
  committed(events: readonly TEventRow[]): void;
}

/** Payloads of published rows: shared and unchanging, so they are serialised at most once. */
const published = new WeakMap<object, string | null>();

/** The JSON of a published event's payload, computed once for all subscribers; undefined for any other object. */
export function publishedPayloadJson(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const json = published.get(payload);
  if (json !== null) return json;
  const text = JSON.stringify(payload);
  published.set(payload, text);
  return text;
}

export class EventBus {
  private readonly members = new Map<string, Set<TMember>>();
  private relay: TCommitRelay | null = null;

  /**
   * A unit of work's events are written and its transaction is about to commit (its
   * notification may arrive before `committed` is called): a relay need not read for them.
   */
  committing(events: readonly TEventRow[]): void {
    if (events.length) this.relay?.committing(events);
  }

  /** The transaction of events passed to `committing` did not commit. */
  abandoned(events: readonly TEventRow[]): void {
    if (events.length) this.relay?.abandoned(events);
  }

  /**
   * Events a unit of work of this process committed: published now, or, with a relay
   * (PostgreSQL: server/core/event-relay.ts), handed to it, the one publisher that orders
   * this process's events among those other processes commit.
   */
  committed(events: readonly TEventRow[]): void {
    if (!events.length) return;
    if (this.relay) this.relay.committed(events);
    else this.publish(events);
  }

  /** From now on committed events go through `relay` (which publishes them); returns the undo. */
  routeCommitted(relay: TCommitRelay): () => void {
    this.relay = relay;
    return () => {
      if (this.relay === relay) this.relay = null;
    };
  }

  /** Listen to one topic ("ticket:12", "company:3", "staff:1", "session:<id>", "user:<id>"). */
  on(topic: string, listener: TBusListener): () => void {
    this.join(topic, listener);
    return () => this.leave(topic, listener);
  }

  join(topic: string, member: TMember): void {
    let set = this.members.get(topic);
    if (!set) {
      set = new Set();
      this.members.set(topic, set);
    }
    set.add(member);
  }

  leave(topic: string, member: TMember): void {
    const set = this.members.get(topic);
    if (set?.delete(member) && set.size === 0) this.members.delete(topic);
  }

  publish(events: readonly TEventRow[]): void {
    for (const event of events) {
      const set = this.members.get(event.topic);
      if (!set) continue;
      if (typeof event.payload === 'object' && event.payload !== null && !published.has(event.payload)) published.set(event.payload, null);
      // A copy: members may leave (or join) while this event is delivered.
      for (const member of [...set]) {
        try {
          if (typeof member === 'function') member(event);
          else member.deliver(event);
        } catch {
          // A faulty listener must not stop delivery to the others.
        }
      }
    }
  }

  listenerCount(topic?: string): number {
    if (topic) return this.members.get(topic)?.size ?? 0;
    let n = 0;
    for (const s of this.members.values()) n += s.size;
    return n;
  }
}
