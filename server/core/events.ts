import type { TEventRow } from '../../db/schema/events';

/**
 * The in-process event bus. Services append events to the durable `events` table inside
 * their transaction and publish the committed rows here; subscribers replay from the
 * table by id and then follow the bus, so a reconnecting client misses nothing.
 */
export type TBusListener = (event: TEventRow) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<TBusListener>>();

  /** Listen to one topic ("ticket:12", "company:3", "staff:1", "session:<id>", "user:<id>"). */
  on(topic: string, listener: TBusListener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(topic);
    };
  }

  publish(events: readonly TEventRow[]): void {
    for (const event of events) {
      const set = this.listeners.get(event.topic);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch {
          // A faulty listener must not stop delivery to the others.
        }
      }
    }
  }

  listenerCount(topic?: string): number {
    if (topic) return this.listeners.get(topic)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
