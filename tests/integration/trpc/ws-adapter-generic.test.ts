import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { applyWSSHandler, type CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { observable } from '@trpc/server/observable';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { applyLeanWSSHandler } from '../../../server/trpc/ws/lean-adapter';
import { RawTrpcSocket } from '../../helpers/raw-trpc-socket';

/*
 * The lean adapter on a small router of its own, beside tRPC's adapter on the same router:
 * the paths the portal's ticket streams do not take (async generators, observables, a
 * stream that fails or ends, connectionParams, queries and mutations, the server's
 * keep-alive) must answer exactly as tRPC does.
 */
type TCtx = { params: Record<string, string | undefined> | null };
// No stacks in error shapes: they name each adapter's own frames.
const t = initTRPC.context<TCtx>().create({ isDev: false });
const router = t.router({
  count: t.procedure.input(z.object({ upTo: z.number(), lastEventId: z.string().nullish() })).subscription(async function* ({ input }) {
    for (let i = Number(input.lastEventId ?? 0) + 1; i <= input.upTo; i++) yield tracked(String(i), { n: i });
  }),
  failing: t.procedure.subscription(async function* () {
    yield { step: 1 };
    throw new TRPCError({ code: 'CONFLICT', message: 'It broke after one.' });
  }),
  ticks: t.procedure.subscription(() =>
    observable<number>((emit) => {
      emit.next(1);
      emit.next(2);
      emit.complete();
    }),
  ),
  forever: t.procedure.subscription(async function* ({ signal }) {
    yield 'first';
    await new Promise((resolve) => signal?.addEventListener('abort', resolve));
  }),
  params: t.procedure.query(({ ctx }) => ctx.params),
  double: t.procedure.input(z.number()).mutation(({ input }) => input * 2),
});

type TAdapter = 'lean' | 'trpc';
const servers: { server: Server; url: string; stop(): void }[] = [];
async function serve(adapter: TAdapter, keepAlive?: { pingMs: number; pongWaitMs: number }) {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const opts = {
    wss,
    router,
    createContext: ({ info }: CreateWSSContextFnOptions): TCtx => ({ params: info.connectionParams }),
    keepAlive: keepAlive ? { enabled: true, ...keepAlive } : undefined,
  };
  const handler = adapter === 'lean' ? applyLeanWSSHandler(opts) : { ...applyWSSHandler(opts), stop() {} };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const entry = {
    server,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      handler.stop();
      for (const c of wss.clients) c.terminate();
      server.close();
    },
  };
  servers.push(entry);
  return entry;
}
afterAll(() => servers.forEach((s) => s.stop()));

const sub = (id: number, path: string, input?: unknown, lastEventId?: string) => ({ id, method: 'subscription', params: { path, input, lastEventId } });

async function script(adapter: TAdapter): Promise<unknown[]> {
  const { url } = await serve(adapter);
  const got: unknown[] = [];
  const raw = await RawTrpcSocket.open(url);
  const read = async (n = 1) => {
    for (let i = 0; i < n; i++) got.push(await raw.next());
  };
  raw.send([sub(1, 'count', { upTo: 3 }), { id: 2, method: 'mutation', params: { path: 'double', input: 21 } }]);
  await read(6); // started, 1, 2, 3, stopped for 1; the mutation's answer, in some order
  raw.send([sub(3, 'count', { upTo: 4 }, '2')]);
  await read(4); // started, 3, 4, stopped: resumed after "2"
  raw.send([sub(4, 'failing')]);
  await read(4); // started, data, error, stopped
  raw.send([sub(5, 'ticks')]);
  await read(4); // started, 1, 2, stopped
  raw.send([sub(6, 'forever')]);
  await read(2); // started, first
  raw.send({ id: 6, method: 'subscription.stop' });
  await read(); // stopped
  raw.send({ id: 7, method: 'query', params: { path: 'params' } });
  await read(); // no connectionParams: null
  raw.send({ id: 8, method: 'query', params: { path: 'count', input: { upTo: 1 } } });
  await read(); // wrong type for the path
  raw.send({ id: 9, method: 'mutation', params: { path: 'double', input: 'two' } });
  await read(); // bad input
  raw.close();
  // The mutation's answer and subscription 1's messages interleave as the event loop runs them.
  return [...got.slice(0, 6)].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))).concat(got.slice(6));
}

describe('the lean adapter beside tRPC’s, on a router of its own', () => {
  it('answers generators, observables, failures, stops, queries and mutations alike', async () => {
    const lean = await script('lean');
    const trpc = await script('trpc');
    expect(lean).toEqual(trpc);
    expect(lean).toContainEqual({ id: 4, error: expect.objectContaining({ message: 'It broke after one.' }) });
    expect(lean).toContainEqual({ id: 2, result: { type: 'data', data: 42 } });
    expect(lean).toContainEqual({ id: 3, result: { type: 'data', id: '3', data: { id: '3', data: { n: 3 } } } });
    expect(lean).toContainEqual({ id: 6, result: { type: 'stopped' } });
  });

  it('waits for connectionParams when the URL asks for them, and hands them to createContext', async () => {
    for (const adapter of ['lean', 'trpc'] as const) {
      const { url } = await serve(adapter);
      const raw = await RawTrpcSocket.open(`${url}/?connectionParams=1`);
      raw.send({ method: 'connectionParams', data: { tenant: 'acme' } });
      raw.send({ id: 1, method: 'query', params: { path: 'params' } });
      expect(await raw.next()).toEqual({ id: 1, result: { type: 'data', data: { tenant: 'acme' } } });
      raw.close();
    }
  });

  it('pings a quiet client, answers its pings, and closes one that never answers', async () => {
    const { url } = await serve('lean', { pingMs: 40, pongWaitMs: 80 });
    const silent = await RawTrpcSocket.open(url);
    const polite = await RawTrpcSocket.open(url);
    polite.ws.on('message', (data: Buffer) => {
      if (data.toString() === 'PING') polite.send('PONG');
    });
    polite.send('PING');
    expect(await silent.next()).toBe('PING');
    // The silent one is closed by the server; the one that answers stays.
    expect((await silent.whenClosed()).code).toBe(1006);
    expect(polite.closed).toBeNull();
    const heard = new Set<unknown>();
    while (heard.size < 2) heard.add(await polite.next());
    expect([...heard].sort()).toEqual(['PING', 'PONG']);
    polite.close();
  });
});
