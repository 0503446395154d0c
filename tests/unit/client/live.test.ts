import { TRPCClientError } from '@trpc/client';
import { createRoot } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveRefetch, liveSync, type TLiveHandlers, type TLiveSubscribe } from '../../../client/src/lib/live';

/*
 * The client's live helper, driven step by step: each subscription it opens is recorded with
 * the id it resumes from, and the test plays the server's side (started, events, errors) in
 * the order that matters, which a real socket cannot be made to produce on cue.
 */

type TEvent = { kind: string; n: number };
type TOpened = { lastEventId: number | null; handlers: TLiveHandlers<TEvent>; closed: boolean };

function streams() {
  const opened: TOpened[] = [];
  const subscribe: TLiveSubscribe<TEvent> = (lastEventId, handlers) => {
    const s: TOpened = { lastEventId, handlers, closed: false };
    opened.push(s);
    return { unsubscribe: () => void (s.closed = true) };
  };
  const last = () => opened[opened.length - 1]!;
  return { opened, subscribe, last };
}

const refusal = (code: string) => TRPCClientError.from({ error: { message: code, code: -32600, data: { code } } });
/** A manual promise, so a load can be held open while events arrive. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('liveSync', () => {
  it('subscribes first, loads once started, and applies what arrived during the load after it, in order', async () => {
    const s = streams();
    const order: string[] = [];
    const gate = deferred();
    const dispose = createRoot((dispose) => {
      liveSync<TEvent>({
        subscribe: s.subscribe,
        load: async () => {
          order.push('load');
          await gate.promise;
          order.push('loaded');
        },
        apply: (e) => order.push(`apply ${e.n}`),
      });
      return dispose;
    });
    expect(s.opened).toHaveLength(1);
    expect(s.last().lastEventId).toBeNull();
    expect(order).toEqual([]); // nothing read before the server confirms the subscription

    s.last().handlers.onStarted();
    s.last().handlers.onData({ id: '11', data: { kind: 'x', n: 1 } });
    s.last().handlers.onData({ id: '12', data: { kind: 'x', n: 2 } });
    expect(order).toEqual(['load']);
    gate.resolve();
    await vi.runAllTimersAsync();
    expect(order).toEqual(['load', 'loaded', 'apply 1', 'apply 2']);

    s.last().handlers.onData({ id: '13', data: { kind: 'x', n: 3 } });
    expect(order.at(-1)).toBe('apply 3');
    dispose();
    expect(s.last().closed).toBe(true);
  });

  it('resumes after the last id when retried, re-reads when there is no id, and stops on a final refusal', async () => {
    const s = streams();
    let loads = 0;
    const dispose = createRoot((dispose) => {
      liveSync<TEvent>({ subscribe: s.subscribe, load: () => void loads++, apply: () => undefined });
      return dispose;
    });
    s.last().handlers.onStarted();
    await vi.runAllTimersAsync();
    expect(loads).toBe(1);

    // A failure before any event: the retry has no id to resume from, so it reads again.
    s.last().handlers.onError(new Error('socket trouble'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.opened).toHaveLength(2);
    expect(s.last().lastEventId).toBeNull();
    s.last().handlers.onStarted();
    await vi.runAllTimersAsync();
    expect(loads).toBe(2);

    // After an event, a retry resumes after its id and the stream replays: no read.
    s.last().handlers.onData({ id: '40', data: { kind: 'x', n: 1 } });
    s.last().handlers.onError(refusal('INTERNAL_SERVER_ERROR'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.opened).toHaveLength(3);
    expect(s.last().lastEventId).toBe(40);
    s.last().handlers.onStarted();
    await vi.runAllTimersAsync();
    expect(loads).toBe(2);

    // A refusal does not get better by asking again.
    s.last().handlers.onError(refusal('FORBIDDEN'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.opened).toHaveLength(3);
    dispose();
  });

  it('applies untracked events as they come, without taking them as a place to resume from', async () => {
    const s = streams();
    const seen: unknown[] = [];
    const dispose = createRoot((dispose) => {
      liveSync<TEvent>({ subscribe: s.subscribe, apply: (e) => seen.push(e) });
      return dispose;
    });
    s.last().handlers.onStarted();
    s.last().handlers.onData({ kind: 'ready', n: 0 });
    s.last().handlers.onData({ id: '7', data: { kind: 'x', n: 1 } });
    expect(seen).toEqual([
      { kind: 'ready', n: 0 },
      { kind: 'x', n: 1 },
    ]);
    s.last().handlers.onError(new Error('socket trouble'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.last().lastEventId).toBe(7);
    dispose();
  });

  it('stops when its component goes: no retry after disposal', async () => {
    const s = streams();
    const dispose = createRoot((dispose) => {
      liveSync<TEvent>({ subscribe: s.subscribe, apply: () => undefined });
      return dispose;
    });
    const first = s.last();
    dispose();
    first.handlers.onError(new Error('socket trouble'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.opened).toHaveLength(1);
    expect(first.closed).toBe(true);
  });
});

describe('liveRefetch', () => {
  it('refetches once per burst, not at the first start, and after a reconnect with no id to resume from', async () => {
    const s = streams();
    let refetches = 0;
    const dispose = createRoot((dispose) => {
      liveRefetch(s.subscribe, () => void refetches++, { burstMs: 100 });
      return dispose;
    });
    s.last().handlers.onStarted();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refetches).toBe(0); // the page's resources read it as it mounted

    // The WebSocket link restarts a subscription whose socket was lost; no event yet, so no id.
    s.last().handlers.onStarted();
    await vi.advanceTimersByTimeAsync(0);
    expect(refetches).toBe(1);

    s.last().handlers.onData({ id: '5', data: { kind: 'payment', n: 1 } });
    await vi.advanceTimersByTimeAsync(50);
    s.last().handlers.onData({ id: '6', data: { kind: 'invoice', n: 2 } });
    await vi.advanceTimersByTimeAsync(99);
    expect(refetches).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(refetches).toBe(2);

    // With an id the link resumes after it and the stream replays what was missed.
    s.last().handlers.onStarted();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refetches).toBe(2);

    s.last().handlers.onData({ id: '7', data: { kind: 'x', n: 3 } });
    dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refetches).toBe(2); // a pending refetch is dropped with the page
  });
});
