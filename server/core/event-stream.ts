import { and, asc, gt, inArray } from 'drizzle-orm';
import { events, type TEventRow } from '../../db/schema/events';
import { AppError } from './app-error';
import type { ServiceContext } from './context';
import type { TBusMember } from './events';

const REPLAY_PAGE = 500;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Yields events of the given topics: first those after `lastEventId` from the durable log,
 * then live ones from the bus, in id order, each once. Listening starts before the replay
 * so nothing committed in between is missed. A subscriber that falls `maxQueue` events
 * behind is cut off; it reconnects with its last id and catches up from the log.
 */
export function followTopics(
  ctx: ServiceContext,
  topics: readonly string[],
  lastEventId: number | null | undefined,
  signal: AbortSignal | undefined,
  maxQueue = 1000,
): AsyncGenerator<TEventRow, undefined> {
  return new TopicStream(ctx, topics, lastEventId, signal, maxQueue);
}

/*
 * A hand-written async iterator rather than an async generator: with thousands of
 * subscribers on a topic, each live event costs one member call and, when the consumer
 * already waits, one promise resolution; the queue (an array with a read index) only fills
 * while the consumer is busy. It joins the bus itself and is its own abort listener, so it
 * needs no closure per topic or for abort.
 */
class TopicStream implements AsyncGenerator<TEventRow, undefined>, TBusMember, EventListenerObject {
  private queue: TEventRow[] = [];
  private head = 0;
  private last = 0;
  /** Rows of the current replay page not yet yielded; null once live. */
  private replay: TEventRow[] | null = null;
  private replayFull = false;
  /** The pending next() of a consumer that waits; it never rejects (overflow needs a busy consumer). */
  private waiting: ((r: IteratorResult<TEventRow, undefined>) => void) | null = null;
  private state: 'new' | 'open' | 'overflow' | 'closed' = 'new';

  constructor(
    private readonly ctx: ServiceContext,
    private readonly topics: readonly string[],
    private readonly lastEventId: number | null | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly maxQueue: number,
  ) {}

  [Symbol.asyncIterator]() {
    return this;
  }

  next(): Promise<IteratorResult<TEventRow, undefined>> {
    if (this.state === 'new') this.start();
    if (this.state === 'closed') return Promise.resolve(DONE);
    if (this.state === 'overflow') {
      this.close();
      return Promise.reject(new AppError('TEMPORARY', 'Too far behind; reconnect to catch up.'));
    }
    if (this.replay) {
      const row = this.nextReplayed();
      if (row) return Promise.resolve({ value: row, done: false });
    }
    while (this.head < this.queue.length) {
      const e = this.queue[this.head++]!;
      if (this.head === this.queue.length) this.resetQueue();
      // Skip what the replay already delivered.
      if (e.id > this.last) {
        this.last = e.id;
        return Promise.resolve({ value: e, done: false });
      }
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<TEventRow, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  throw(err: unknown): Promise<IteratorResult<TEventRow, undefined>> {
    this.close();
    return Promise.reject(err);
  }

  /** From the bus: hand the event to a waiting consumer, or queue it up to the bound. */
  deliver(e: TEventRow): void {
    // Closed, or already delivered by the replay.
    if (this.state !== 'open' || e.id <= this.last) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.last = e.id;
      resolve({ value: e, done: false });
      return;
    }
    if (this.queue.length - this.head >= this.maxQueue) {
      // Too slow: let go of the queue and the topics now; the next read reports it.
      this.state = 'overflow';
      this.leave();
      this.resetQueue();
      return;
    }
    this.queue.push(e);
  }

  /** The abort signal fired: end the stream, releasing a consumer that waits. */
  handleEvent(): void {
    this.close();
  }

  private start(): void {
    this.state = 'open';
    for (const t of this.topics) this.ctx.bus.join(t, this);
    this.signal?.addEventListener('abort', this);
    if (this.signal?.aborted) return this.close();
    if (this.lastEventId != null) {
      this.last = this.lastEventId;
      this.replay = [];
      this.replayFull = true;
    }
  }

  /** The next replayed row, reading the log a page at a time; null (and live from now) at its end. */
  private nextReplayed(): TEventRow | null {
    let page = this.replay!;
    if (page.length === 0 && this.replayFull) {
      page = this.ctx.db
        .select()
        .from(events)
        .where(and(inArray(events.topic, [...this.topics]), gt(events.id, this.last)))
        .orderBy(asc(events.id))
        .limit(REPLAY_PAGE)
        .all()
        .reverse();
      this.replayFull = page.length === REPLAY_PAGE;
      this.replay = page;
    }
    const row = page.pop();
    if (row) {
      this.last = row.id;
      return row;
    }
    this.replay = null;
    return null;
  }

  private resetQueue(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private leave(): void {
    for (const t of this.topics) this.ctx.bus.leave(t, this);
    this.signal?.removeEventListener('abort', this);
  }

  private close(): void {
    if (this.state === 'closed') return;
    if (this.state !== 'overflow') this.leave();
    this.state = 'closed';
    this.resetQueue();
    this.replay = null;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(DONE);
  }
}
