import { and, asc, gt, inArray } from 'drizzle-orm';
import { events, type TEventRow } from '../../db/schema/events';
import { AppError } from './app-error';
import type { ServiceContext } from './context';
import type { TBusMember } from './events';

const REPLAY_PAGE = 500;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The push side of a stream: a transport that can write events straight to a socket
 * attaches a sink instead of awaiting `next()` per event (`[ATTACH](sink)`, once, instead
 * of iterating). The stream then calls `push` for each event in order (replayed ones
 * first: live events that arrive while the log is read are held until the replay is done),
 * and `end` or `fail` once; `return()` detaches.
 */
export const ATTACH: unique symbol = Symbol('event-stream.attach');
export interface TEventSink<T> {
  push(value: T): void;
  /** No more events (the session ended, or the subscriber lost sight of what it followed). */
  end(): void;
  /** No more events: reading or filtering failed. */
  fail(err: unknown): void;
}
export interface TPushSource<T> {
  [ATTACH](sink: TEventSink<T>): void;
  return(): Promise<IteratorResult<T, undefined>>;
}
export function isPushSource<T = unknown>(value: unknown): value is TPushSource<T> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<TPushSource<T>>)[ATTACH] === 'function';
}

/** An event stream: iterate it (tRPC's own adapter, tests) or attach a sink to it (the lean adapter). */
export type TEventStream<T> = AsyncGenerator<T, undefined> & TPushSource<T>;

export interface TFollowOptions<T> {
  topics: readonly string[];
  /** Replay the durable log after this id first; null/undefined: live events only. */
  lastEventId?: number | null;
  /** Ends an iterated stream (an attached one ends by `return()`). */
  signal?: AbortSignal;
  /** An event on this topic ends the stream (the session's topic: it ended). */
  stopTopic?: string;
  /**
   * Which events this subscriber may have; 'stop' ends the stream (it lost access).
   * `live` is false for events replayed from the log (what they say may be old news).
   */
  keep?: (e: TEventRow, live: boolean) => boolean | 'stop';
  /**
   * What the stream gives for a kept event. Called once per row and function, its result
   * shared by every subscriber with the same `map`, so a transport can serialise it once.
   */
  map?: (e: TEventRow) => T;
  /** An iterated stream this many events behind is cut off (an attached one writes at once). */
  maxQueue?: number;
}

/**
 * Events of the given topics: first those after `lastEventId` from the durable log, then
 * live ones from the bus, in id order, each once, filtered by `keep` per subscriber.
 * Listening starts before the replay so nothing committed in between is missed. An
 * iterated subscriber that falls `maxQueue` events behind is cut off; it reconnects with
 * its last id and catches up from the log.
 */
export function followEvents<T = TEventRow>(ctx: ServiceContext, opts: TFollowOptions<T>): TEventStream<T> {
  return new TopicStream<T>(ctx, opts);
}

/** `followEvents` with no filter: every row of the topics. */
export function followTopics(
  ctx: ServiceContext,
  topics: readonly string[],
  lastEventId: number | null | undefined,
  signal: AbortSignal | undefined,
  maxQueue = 1000,
): TEventStream<TEventRow> {
  return new TopicStream<TEventRow>(ctx, { topics, lastEventId, signal, maxQueue });
}

/** Per map function, its value for each row (rows are shared by all subscribers of a publish). */
const mappedByFn = new WeakMap<(e: TEventRow) => unknown, WeakMap<TEventRow, unknown>>();
function memoFor(map: (e: TEventRow) => unknown): WeakMap<TEventRow, unknown> {
  let memo = mappedByFn.get(map);
  if (!memo) mappedByFn.set(map, (memo = new WeakMap()));
  return memo;
}

/*
 * A hand-written stream rather than an async generator: with thousands of subscribers on a
 * topic, each live event costs one member call and, attached, one sink call; iterated, one
 * promise resolution when the consumer already waits (the queue, an array with a read
 * index, only fills while it is busy). It joins the bus itself and, iterated, is its own
 * abort listener, so it needs no closure per topic or for abort; attached, it does not
 * listen to the signal at all (an abort listener costs about 1 KB).
 */
class TopicStream<T> implements AsyncGenerator<T, undefined>, TPushSource<T>, TBusMember, EventListenerObject {
  private readonly topics: readonly string[];
  private signal: AbortSignal | undefined;
  private readonly lastEventId: number | null | undefined;
  private readonly stopTopic: string | undefined;
  private readonly keep: ((e: TEventRow, live: boolean) => boolean | 'stop') | undefined;
  /** Push mode, while the log is read: live events held until the replay is done. */
  private held: TEventRow[] | null = null;
  private readonly map: ((e: TEventRow) => T) | undefined;
  private readonly memo: WeakMap<TEventRow, unknown> | null;
  private readonly maxQueue: number;
  private queue: TEventRow[] | null = null;
  private head = 0;
  private last = 0;
  /** Rows of the current replay page not yet yielded; null once live. */
  private replay: TEventRow[] | null = null;
  private replayFull = false;
  /** Iterated: the last id the replay read from the log (rows up to it are not live). */
  private replayedTo = 0;
  /** The pending next() of a consumer that waits (a rejection is passed as a rejected promise). */
  private waiting: ((r: IteratorResult<T, undefined> | Promise<never>) => void) | null = null;
  private sink: TEventSink<T> | null = null;
  private state: 'new' | 'open' | 'overflow' | 'closed' = 'new';

  constructor(
    private readonly ctx: ServiceContext,
    opts: TFollowOptions<T>,
  ) {
    this.topics = opts.stopTopic ? [...opts.topics, opts.stopTopic] : opts.topics;
    this.signal = opts.signal;
    this.lastEventId = opts.lastEventId;
    this.stopTopic = opts.stopTopic;
    this.keep = opts.keep;
    this.map = opts.map;
    this.memo = opts.map ? memoFor(opts.map) : null;
    this.maxQueue = opts.maxQueue ?? 1000;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.state === 'new') this.start(true);
    for (;;) {
      if (this.state === 'closed') return Promise.resolve(DONE);
      if (this.state === 'overflow') {
        this.close();
        return Promise.reject(new AppError('TEMPORARY', 'Too far behind; reconnect to catch up.'));
      }
      const replaying = this.replay !== null;
      const row = await this.take();
      if (this.state !== 'open') continue;
      if (!row) {
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      }
      let result: IteratorResult<T, undefined> | null;
      try {
        result = this.judge(row, !(replaying && row.id <= this.replayedTo));
      } catch (err) {
        this.close();
        return Promise.reject(err);
      }
      if (result) return Promise.resolve(result);
    }
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  throw(err: unknown): Promise<IteratorResult<T, undefined>> {
    this.close();
    return Promise.reject(err);
  }

  /**
   * Push mode: replays the log into `sink` (events published meanwhile are held and follow,
   * each once), then writes each live event to it as it is published.
   */
  [ATTACH](sink: TEventSink<T>): void {
    if (this.state !== 'new') throw new Error('This event stream has already started.');
    this.sink = sink;
    this.start(false);
    if (this.lastEventId == null) return;
    this.held = [];
    this.replayToSink().catch((err: unknown) => {
      if (!this.isOpen()) return;
      this.close();
      sink.fail(err);
    });
  }

  private async replayToSink(): Promise<void> {
    for (;;) {
      const page = await this.readPage();
      if (!this.isOpen()) return;
      for (const row of page) {
        this.last = row.id;
        this.emit(row, false);
        if (!this.isOpen()) return;
      }
      if (page.length < REPLAY_PAGE) break;
    }
    const held = this.held ?? [];
    this.held = null;
    for (const e of held) {
      if (e.id <= this.last) continue;
      this.last = e.id;
      this.emit(e, true);
      if (!this.isOpen()) return;
    }
  }

  /** From the bus: write the event to the sink, hand it to a waiting consumer, or queue it up to the bound. */
  deliver(e: TEventRow): void {
    // Closed, or already delivered by the replay.
    if (this.state !== 'open' || e.id <= this.last) return;
    if (this.sink) {
      if (this.held) {
        if (this.held.length >= this.maxQueue) {
          // Replaying takes too long for how busy the topic is: the client resumes later.
          const sink = this.sink;
          this.close();
          sink.fail(new AppError('TEMPORARY', 'Too far behind; reconnect to catch up.'));
        } else this.held.push(e);
        return;
      }
      this.last = e.id;
      this.emit(e, true);
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.last = e.id;
      let result: IteratorResult<T, undefined> | null;
      try {
        result = this.judge(e, true);
      } catch (err) {
        this.close();
        resolve(Promise.reject(err));
        return;
      }
      // Not for this subscriber: keep waiting (unless judging it closed the stream).
      if (result) resolve(result);
      else if (this.isOpen()) this.waiting = resolve;
      else resolve(DONE);
      return;
    }
    const queue = (this.queue ??= []);
    if (queue.length - this.head >= this.maxQueue) {
      // Too slow: let go of the queue and the topics now; the next read reports it.
      this.state = 'overflow';
      this.leave();
      this.resetQueue();
      return;
    }
    queue.push(e);
  }

  /** The abort signal fired: end the stream, releasing a consumer that waits. */
  handleEvent(): void {
    this.close();
  }

  /** The iterator result for a row: null when it is not for this subscriber; DONE (and closed) to stop. */
  private judge(row: TEventRow, live: boolean): IteratorResult<T, undefined> | null {
    if (row.topic === this.stopTopic) {
      this.close();
      return DONE;
    }
    const verdict = this.keep ? this.keep(row, live) : true;
    if (verdict === 'stop') {
      this.close();
      return DONE;
    }
    return verdict ? { value: this.valueOf(row), done: false } : null;
  }

  /** Push mode: one row to the sink, or the end of the stream. */
  private emit(row: TEventRow, live: boolean): void {
    const sink = this.sink!;
    let verdict: boolean | 'stop';
    let value: T;
    try {
      verdict = row.topic === this.stopTopic ? 'stop' : this.keep ? this.keep(row, live) : true;
      if (verdict !== true) {
        if (verdict === 'stop') {
          this.close();
          sink.end();
        }
        return;
      }
      value = this.valueOf(row);
    } catch (err) {
      this.close();
      sink.fail(err);
      return;
    }
    sink.push(value);
  }

  /** A method, so the check after a sink call is not narrowed away. */
  private isOpen(): boolean {
    return this.state === 'open';
  }

  private valueOf(row: TEventRow): T {
    if (!this.map) return row as T;
    const memo = this.memo!;
    let v = memo.get(row) as T | undefined;
    if (v === undefined) memo.set(row, (v = this.map(row)));
    return v;
  }

  private start(iterated: boolean): void {
    this.state = 'open';
    for (const t of this.topics) this.ctx.bus.join(t, this);
    if (iterated) this.signal?.addEventListener('abort', this);
    else this.signal = undefined;
    if (iterated && this.signal?.aborted) return this.close();
    if (this.lastEventId != null) {
      this.last = this.lastEventId;
      if (iterated) {
        this.replay = [];
        this.replayFull = true;
      }
    }
  }

  /** The next row to judge (iterated): replayed rows first, then the queue, skipping what was delivered. */
  private async take(): Promise<TEventRow | null> {
    if (this.replay) {
      const row = await this.nextReplayed();
      if (row) return row;
    }
    const queue = this.queue;
    while (queue && this.head < queue.length) {
      const e = queue[this.head++]!;
      if (this.head === queue.length) this.resetQueue();
      if (e.id > this.last) {
        this.last = e.id;
        return e;
      }
    }
    return null;
  }

  /** The next replayed row, reading the log a page at a time; null (and live from now) at its end. */
  private async nextReplayed(): Promise<TEventRow | null> {
    let page = this.replay!;
    if (page.length === 0 && this.replayFull) {
      page = (await this.readPage()).reverse();
      if (page.length) this.replayedTo = page[0]!.id;
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

  /** Up to REPLAY_PAGE rows of the topics after `last`, in id order. */
  private async readPage(): Promise<TEventRow[]> {
    return (await this.ctx.db
      .select()
      .from(events)
      .where(and(inArray(events.topic, [...this.topics]), gt(events.id, this.last)))
      .orderBy(asc(events.id))
      .limit(REPLAY_PAGE));
  }

  private resetQueue(): void {
    if (this.queue) this.queue.length = 0;
    this.head = 0;
  }

  private leave(): void {
    for (const t of this.topics) this.ctx.bus.leave(t, this);
    this.signal?.removeEventListener('abort', this);
  }

  private close(): void {
    if (this.state === 'closed') return;
    if (this.state !== 'overflow' && this.state !== 'new') this.leave();
    this.state = 'closed';
    this.queue = null;
    this.head = 0;
    this.replay = null;
    this.sink = null;
    this.held = null;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(DONE);
  }
}
