import { getEventListeners } from 'node:events';
import { callTRPCProcedure, TRPCError } from '@trpc/server';
import { isObservable, observableToAsyncIterable } from '@trpc/server/observable';
import { ATTACH, isPushSource, type TEventSink, type TPushSource } from '../../core/event-stream';
import { dataResult, type TRequestId } from './frames';
import type { Connection } from './lean-adapter';

const OPEN = 1;
const TEXT = Object.freeze({ binary: false });
const STOP = Symbol('stop');

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Symbol.asyncIterator in value;
}
const isAbortError = (cause: unknown) => typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'AbortError';

/**
 * One subscription of a connection, as tRPC's ws adapter runs it: "started" once the
 * procedure returned its stream, a data message per event, "stopped" at the end (after an
 * error message when it failed). Two ways to follow the stream:
 * - push: a stream that can push (server/core/event-stream.ts) gets this object as its
 *   sink; each event is then one `socket.send` of a frame shared by all its subscribers,
 *   with no promise, closure or object per subscriber, and nothing here listens to the
 *   abort signal (dropped when the procedure itself registered nothing on it);
 * - pull: anything else (async generators, observables) is awaited per event, raced with
 *   the stop, as tRPC does.
 */
export class Subscription implements TEventSink<unknown> {
  /** Stopped by the client, the connection's close, or the stream's end. */
  private done = false;
  private controller: AbortController | null = null;
  /** Push mode: the stream we are attached to. */
  private source: TPushSource<unknown> | null = null;
  /** Pull mode: ends the wait for the next event when stopped. */
  private wake: ((v: typeof STOP) => void) | null = null;

  constructor(
    private readonly conn: Connection,
    readonly id: TRequestId,
    private readonly jsonrpc: '2.0' | undefined,
    private readonly path: string,
    private readonly input: unknown,
  ) {}

  /** Runs the procedure and follows its stream; resolves once it is attached (push) or ended (pull). */
  async run(batchIndex: number): Promise<void> {
    const { conn } = this;
    let started = false;
    try {
      if (!(await conn.ready())) throw conn.contextError();
      if (this.done || conn.socket.readyState !== OPEN) return this.finish();
      const controller = (this.controller = new AbortController());
      const result: unknown = await callTRPCProcedure({
        router: conn.adapter.router,
        path: this.path,
        getRawInput: async () => this.input,
        ctx: conn.ctx,
        type: 'subscription',
        signal: controller.signal,
        batchIndex,
      });
      if (!isAsyncIterable(result) && !isObservable(result)) {
        throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `Subscription ${this.path} did not return an observable or a AsyncGenerator` });
      }
      const iterable = isObservable(result) ? observableToAsyncIterable(result, controller.signal) : result;
      if (this.done || conn.socket.readyState !== OPEN) {
        controller.abort();
        await this.dispose(iterable[Symbol.asyncIterator]());
        return this.finish();
      }
      conn.respond({ id: this.id, jsonrpc: this.jsonrpc, result: { type: 'started' } });
      started = true;
      if (conn.adapter.frames && isPushSource(iterable)) return this.attach(iterable, controller);
      await this.pull(iterable);
      this.finish();
    } catch (cause) {
      const error = conn.adapter.toTRPCError(cause);
      // A procedure that gave up because it was stopped during set-up is not an error.
      if (!started && this.done && error.code === 'INTERNAL_SERVER_ERROR' && isAbortError(error.cause)) return this.finish();
      conn.respondWithError(cause, this.id, this.jsonrpc, 'subscription', this.path, this.input);
      // tRPC answers an error during set-up with the error alone, a failed stream with the error and "stopped".
      if (started) this.finish();
      else this.release();
    }
  }

  /** The client's subscription.stop, or the connection closed. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.controller?.abort();
    this.wake?.(STOP);
    const source = this.source;
    if (source) {
      this.source = null;
      source.return().catch((cause: unknown) => this.conn.reportError(cause, 'subscription', this.path, this.input));
      this.finish();
    }
  }

  // ---- push mode: the stream calls these -------------------------------------------------

  push(value: unknown): void {
    const socket = this.conn.socket;
    if (socket.readyState !== OPEN) return this.stop();
    const frame = this.jsonrpc ? null : this.conn.adapter.frames!.frame(value, this.id);
    if (frame) socket.send(frame, TEXT);
    else this.conn.respond({ id: this.id, jsonrpc: this.jsonrpc, result: dataResult(value) });
  }

  end(): void {
    this.source = null;
    this.done = true;
    this.finish();
  }

  fail(err: unknown): void {
    this.source = null;
    this.done = true;
    this.controller?.abort();
    this.conn.respondWithError(err, this.id, this.jsonrpc, 'subscription', this.path, this.input);
    this.finish();
  }

  private attach(source: TPushSource<unknown>, controller: AbortController): void {
    this.source = source;
    // Unless the procedure listens to its signal itself, nothing will: let it go (about 0.7 KB).
    if (getEventListeners(controller.signal, 'abort').length === 0) this.controller = null;
    try {
      source[ATTACH](this);
    } catch (err) {
      this.source = null;
      throw err;
    }
  }

  // ---- pull mode ---------------------------------------------------------------------------

  private async pull(iterable: AsyncIterable<unknown>): Promise<void> {
    const iterator = iterable[Symbol.asyncIterator]();
    let completed = false;
    try {
      while (!this.done) {
        const next = await new Promise<IteratorResult<unknown> | typeof STOP>((resolve, reject) => {
          this.wake = resolve;
          iterator.next().then(resolve, (cause: unknown) => {
            // Once stopped nobody waits for this; an abort is how a stopped stream ends.
            if (!this.done) reject(cause);
            else if (!isAbortError(this.conn.adapter.toTRPCError(cause).cause)) this.conn.reportError(cause, 'subscription', this.path, this.input);
          });
        });
        this.wake = null;
        if (next === STOP) break;
        if (next.done) {
          completed = true;
          break;
        }
        this.conn.respond({ id: this.id, jsonrpc: this.jsonrpc, result: dataResult(next.value) });
      }
    } finally {
      if (!completed) this.controller?.abort();
      await this.dispose(iterator);
    }
  }

  private async dispose(iterator: AsyncIterator<unknown>): Promise<void> {
    try {
      await iterator.return?.();
    } catch (cause) {
      this.conn.reportError(cause, 'subscription', this.path, this.input);
    }
  }

  /** Frees the id, then says "stopped" (when the socket is still open). */
  private finish(): void {
    this.release();
    this.conn.respond({ id: this.id, jsonrpc: this.jsonrpc, result: { type: 'stopped' } });
  }

  private release(): void {
    this.done = true;
    this.conn.release(this);
  }
}
