import { TRPCClientError } from '@trpc/client';
import { onCleanup } from 'solid-js';

type TUnsubscribable = { unsubscribe(): void };
/** An event as the ticket streams deliver it; the stores narrow it by `kind`. */
export type TLiveEvent = { kind: string; payload: unknown };
export type TTracked<E> = { id: string; data: E };
export interface TLiveHandlers<E> {
  onStarted: () => void;
  onData: (message: TTracked<E>) => void;
  onError: (err: unknown) => void;
}

export interface TLiveSyncOptions<E> {
  /** Opens the subscription after `lastEventId` (null: from now on). */
  subscribe: (lastEventId: number | null, handlers: TLiveHandlers<E>) => TUnsubscribable;
  /** Reads the current state into the store (first start, and a resync). */
  load: () => Promise<void>;
  /** Applies one event in place; must tolerate what the load already saw (dedupe by id). */
  apply: (event: E) => void;
}

// Refusals do not get better by retrying; anything else (server restart, "too far behind") does.
const FINAL = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHORIZED', 'BAD_REQUEST']);
const retryable = (err: unknown) => !(err instanceof TRPCClientError && FINAL.has(String((err.data as { code?: string } | undefined)?.code)));

/**
 * Keeps a store in step with a resumable stream, for the life of the calling component.
 * Subscribe first, load once the server confirms, then apply what arrived meanwhile, so
 * nothing committed between the read and the subscription is missed. Reconnects resume
 * after the last event id (the WebSocket link resends it); before any event has arrived
 * there is no id to resume from, so a reconnect re-reads the state instead.
 * Returns `resync`, for a caller that knows it missed something.
 */
export function liveSync<E>(o: TLiveSyncOptions<E>): { resync: () => Promise<void> } {
  let lastId: number | null = null;
  let buffer: E[] | null = null; // collects events while a load runs
  let loading: Promise<void> | null = null;
  let again = false;
  let starts = 0;
  let disposed = false;
  let sub: TUnsubscribable | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const load = (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    buffer = [];
    loading = (async () => {
      do {
        again = false;
        await o.load().catch(() => undefined); // the caller shows its own load error
      } while (again && !disposed);
      const pending = buffer ?? [];
      buffer = null;
      loading = null;
      for (const e of pending) o.apply(e);
    })();
    return loading;
  };

  const start = () => {
    sub = o.subscribe(lastId, {
      onStarted: () => {
        starts += 1;
        // The first start always reads (an early read may predate it); later ones only without an id.
        if (starts === 1 || lastId === null) void load();
      },
      onData: ({ id, data }) => {
        lastId = Number(id);
        if (buffer) buffer.push(data);
        else o.apply(data);
      },
      onError: (err) => {
        sub = null;
        if (!disposed && retryable(err)) retry = setTimeout(start, 2_000);
      },
    });
  };

  start();
  // With the live connection down, show the page anyway; the start above re-reads it.
  const early = setTimeout(() => {
    if (!starts) void load();
  }, 2_500);

  onCleanup(() => {
    disposed = true;
    clearTimeout(early);
    clearTimeout(retry);
    sub?.unsubscribe();
  });
  return { resync: load };
}
