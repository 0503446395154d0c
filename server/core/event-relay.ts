import { asc, gt, max } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { TDb } from '../../db/client';
import type { TListenState } from '../../db/pg-listener';
import { events, type TEventRow } from '../../db/schema/events';
import type { EventBus, TCommitRelay } from './events';
import { p, preparedQueries } from './prepared';
import { EVENTS_CHANNEL } from './unit-of-work';

const PAGE = 500;
const RETRY_READ_MS = 1_000;

const queries = preparedQueries((db) => ({
  after: db.select().from(events).where(gt(events.id, p('after'))).orderBy(asc(events.id)).limit(PAGE).prepare('event-relay.after'),
  lastId: db.select({ id: max(events.id) }).from(events).prepare('event-relay.lastId'),
}));

/**
 * The one publisher of committed events on PostgreSQL, where several processes append to
 * one event table: each event is published on this process's bus once, in id order,
 * whichever process committed it. Ids commit in order (unit-of-work.ts: an advisory lock),
 * so a read of the table after the last published id misses nothing before what it returns.
 * - This process's own commits are published at once when they follow the last published
 *   event (nothing can be missing before them); otherwise the table is read.
 * - A notification names a transaction's highest id: the table is read unless that id has
 *   already been published, or is this process's own commit (`committing`: its
 *   notification can arrive before the commit's answer does).
 * - After LISTEN is (re)established, the table is read for whatever came meanwhile.
 * One read at a time, a page at a time; wake-ups during a read are served by one more read.
 */
export class EventRelay implements TCommitRelay {
  /** The highest ids of this process's transactions between writing their events and `committed`. */
  private readonly local = new Set<number>();
  private reading = false;
  private again = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly readAfter: (id: number) => Promise<TEventRow[]>,
    private last: number,
    private readonly log: Logger,
  ) {}

  /** The highest id published so far. */
  lastPublished(): number {
    return this.last;
  }

  /** This process wrote `rows` (ids ascending) and is committing them. */
  committing(rows: readonly TEventRow[]): void {
    this.local.add(rows[rows.length - 1]!.id);
  }

  /** The transaction of `rows` passed to `committing` did not commit. */
  abandoned(rows: readonly TEventRow[]): void {
    this.local.delete(rows[rows.length - 1]!.id);
  }

  /** This process committed `rows` (ids ascending). */
  committed(rows: readonly TEventRow[]): void {
    this.local.delete(rows[rows.length - 1]!.id);
    if (rows[0]!.id === this.last + 1) this.publish(rows);
    else if (rows[rows.length - 1]!.id > this.last) this.catchUp();
  }

  /** A notification: some process committed events up to `maxId` (NaN: unknown). */
  notified(maxId: number): void {
    // Already published, or this process's own commit, whose `committed` is on its way.
    if (maxId <= this.last || this.local.has(maxId)) return;
    this.catchUp();
  }

  /** Reads and publishes everything after the last published event. */
  catchUp(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        let page: TEventRow[];
        do {
          page = await this.readAfter(this.last);
          if (this.stopped) return;
          // Own commits may have been published while the page was read.
          const fresh = page.filter((r) => r.id > this.last);
          if (fresh.length) this.publish(fresh);
        } while (page.length === PAGE);
      } while (this.again);
      this.reading = false;
    } catch (err) {
      this.reading = false;
      if (this.stopped) return;
      this.log.warn({ err }, 'reading committed events failed; retrying');
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.catchUp();
      }, RETRY_READ_MS);
      this.retry.unref();
    }
  }

  private publish(rows: readonly TEventRow[]): void {
    this.last = rows[rows.length - 1]!.id;
    this.bus.publish(rows);
  }
}

export interface TRunningRelay {
  relay: EventRelay;
  /** Whether the LISTEN connection holds (else this process does not hear other processes' events). */
  listenState(): TListenState;
  /** The server process of the LISTEN connection (tests end it). */
  backendPid(): number | null;
  stop(): Promise<void>;
}

/**
 * PostgreSQL: LISTENs on a connection of its own and routes the bus's committed events
 * through an EventRelay, from the table's highest id at start (subscribers replay older
 * ones from the table themselves).
 */
export async function startEventRelay(opts: { db: TDb; bus: EventBus; url: string; log: Logger }): Promise<TRunningRelay> {
  const { db, bus, log } = opts;
  let relay: EventRelay | null = null;
  // Heard before the relay exists (while the highest id is read): read once it does.
  let early = false;
  let lost = false;
  // Imported here: an SQLite installation never loads the `pg` driver.
  const { listenPostgres } = await import('../../db/pg-listener');
  const listener = await listenPostgres({
    url: opts.url,
    channel: EVENTS_CHANNEL,
    applicationName: `portico-listen:${process.pid}`,
    onNotify: (payload) => (relay ? relay.notified(Number(payload)) : (early = true)),
    onListening: () => {
      if (lost) log.info('LISTEN connection restored; catching up from the event table');
      lost = false;
      relay?.catchUp();
    },
    onLost: (err) => {
      if (!lost) log.warn({ err }, 'LISTEN connection lost; reconnecting');
      lost = true;
    },
  });
  try {
    const last = (await queries(db).lastId.get())?.id ?? 0;
    relay = new EventRelay(bus, (after) => queries(db).after.all({ after }), last, log);
  } catch (err) {
    await listener.stop();
    throw err;
  }
  const running = relay;
  if (early) running.catchUp();
  const unroute = bus.routeCommitted(running);
  return {
    relay: running,
    listenState: () => listener.state(),
    backendPid: () => listener.backendPid(),
    async stop() {
      unroute();
      running.stop();
      await listener.stop();
    },
  };
}
