import type { createTestClient } from './trpc-client';

/* A ticket thread followed live over a test client's WebSocket, for the tests with several nodes. */

export type TThreadEvent = { id: string; data: { kind: string; payload: Record<string, unknown> } };
export const bodyOf = (e: TThreadEvent) => (e.data.payload.comment as { body: string } | undefined)?.body;

type TLive = ReturnType<ReturnType<typeof createTestClient>['live']>;

/** Follows `ticketId` on `live`; `until(body)` resolves once that reply arrived. */
export function followThread(live: TLive, ticketId: number, lastEventId: number | null) {
  const got: TThreadEvent[] = [];
  const waiters: { body: string; resolve(): void }[] = [];
  let started!: () => void;
  const isStarted = new Promise<void>((r) => (started = r));
  const sub = live.tickets.onThread.subscribe(
    { ticketId, lastEventId },
    {
      onStarted: () => started(),
      onData: (e) => {
        got.push(e as never);
        for (const w of waiters.filter((x) => x.body === bodyOf(e as never))) w.resolve();
      },
    },
  );
  return {
    got,
    bodies: () => got.map(bodyOf),
    started: isStarted,
    until: (body: string) => (got.some((e) => bodyOf(e) === body) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ body, resolve }))),
    stop: () => sub.unsubscribe(),
  };
}

/** Lets a subscription that the server has started join the bus (it does so as it starts). */
export const settle = () => new Promise((r) => setTimeout(r, 100));
