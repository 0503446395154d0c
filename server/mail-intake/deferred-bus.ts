import type { TEventRow } from '../../db/schema/events';
import { EventBus } from '../core/events';

/**
 * A bus that holds what services publish until the caller's outer transaction commits.
 * Intake runs a service call and its own bookkeeping in one transaction (the services'
 * own transactions nest as savepoints), so a crash can never leave a comment whose message
 * is still pending; events must not go out before that outer commit either.
 */
export class DeferredBus extends EventBus {
  private held: TEventRow[] = [];

  override publish(events: readonly TEventRow[]): void {
    this.held.push(...events);
  }

  /** After the commit: hands everything held to the real bus. */
  flushTo(bus: EventBus): void {
    const rows = this.held;
    this.held = [];
    bus.publish(rows);
  }
}
