import { TRPCClientError } from '@trpc/client';
import { onCleanup } from 'solid-js';

/*
 * The one way a page follows a live stream. `liveSync` keeps a store in step with a stream
 * whose events it applies in place; `liveRefetch` is for a page that only needs to read
 * again when anything arrives. Both resume after the last event id and retry what can get
 * better, for the life of the calling component.
 */

type TUnsubscribable = { unsubscribe(): void };
/** An event as the domain streams deliver it; the stores narrow it by `kind`. */
export type TLiveEvent = { kind: string; payload: unknown };
/** A resumable event, as tRPC delivers what the server yielded with `tracked(id, data)`. */
export type TTracked<E> = { id: string; data: E };
export interface TLiveHandlers<E> {
  onStarted: () => void;
  /** A tracked event, or an untracked one (a greeting, or a stream that sends its whole state). */
  onData: (message: TTracked<E> | E) => void;
  onError: (err: unknown) => void;
}
/** Opens the subscription after `lastEventId` (null: from now on); a stream without ids ignores it. */
export type TLiveSubscribe<E> = (lastEventId: number | null, handlers: TLiveHandlers<E>) => TUnsubscribable;

export interface TLiveSyncOptions<E> {
  subscribe: TLiveSubscribe<E>;
  /**
   * Reads the current state into the store: once the first subscription has started, and
   * again whenever one starts with no id to resume from. Omit it for a stream that sends
   * its whole state itself.
   */
  load?: () => unknown;
  /**
   * The caller's own resources read the state as the page mounts, so the first start does
   * not read it again (later starts without an id still do).
   */
  loadedAtMount?: boolean;
  /** Applies one event in place; must tolerate what the load already saw (dedupe by id). */
  apply: (event: E) => void;
}

// Refusals do not get better by retrying; anything else (server restart, "too far behind") does.
const FINAL = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHORIZED', 'BAD_REQUEST']);
const retryable = (err: unknown) => !(err instanceof TRPCClientError && FINAL.has(String((err.data as { code?: string } | undefined)?.code)));
const RETRY_MS = 2_000;
// With the live connection down, show the page anyway; the start re-reads it later.
const EARLY_LOAD_MS = 2_500;

const isTracked = <E>(m: TTracked<E> | E): m is TTracked<E> =>
  typeof m === 'object' && m !== null && !Array.isArray(m) && typeof (m as { id?: unknown }).id === 'string' && 'data' in m;

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
    const read = o.load;
    if (!read) return Promise.resolve();
    if (loading) {
      again = true;
      return loading;
    }
    buffer = [];
    loading = (async () => {
      do {
        again = false;
        try {
          await read();
        } catch {
          // the caller shows its own load error
        }
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
        // The first start reads (an early read may predate it); later ones only without an id.
        if (starts === 1 ? !o.loadedAtMount : lastId === null) void load();
      },
      onData: (message) => {
        let event: E;
        if (isTracked(message)) {
          lastId = Number(message.id);
          event = message.data;
        } else event = message;
        if (buffer) buffer.push(event);
        else o.apply(event);
      },
      onError: (err) => {
        sub = null;
        if (!disposed && retryable(err)) retry = setTimeout(start, RETRY_MS);
      },
    });
  };

  start();
  const early = o.load && !o.loadedAtMount ? setTimeout(() => !starts && void load(), EARLY_LOAD_MS) : undefined;

  onCleanup(() => {
    disposed = true;
    clearTimeout(early);
    clearTimeout(retry);
    sub?.unsubscribe();
  });
  return { resync: load };
}

/**
 * For a page whose resources read what it shows as it mounts and only need reading again
 * when something changes: calls `refetch` once per burst of events (several often arrive
 * together, e.g. a payment and its invoice's new status), and after a reconnect that had
 * no event id to resume from. What the events carry is not looked at.
 */
export function liveRefetch<E>(subscribe: TLiveSubscribe<E>, refetch: () => unknown, opts: { burstMs?: number } = {}): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  liveSync<E>({
    subscribe,
    load: refetch,
    loadedAtMount: true,
    apply: () => {
      clearTimeout(timer);
      timer = setTimeout(refetch, opts.burstMs ?? 0);
    },
  });
}
