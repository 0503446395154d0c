import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC, tracked } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';

/*
 * The benchmark's reference servers (forked by bench/realtime.ts with --expose-gc).
 * "plain": a `ws` server that answers a subscription with "started" and broadcasts each
 * event serialised once, in the tRPC message shape, to every client: the baseline.
 * "trpc" (--floor): tRPC's own ws handler with no application code, a subscription that
 * hands each event straight to tRPC: what tRPC alone costs per subscriber.
 */

export type TBaselineCommand =
  | { cmd: 'broadcast'; seq: number; trackedId: string; kind: string; payload: { comment: { body: string } } & Record<string, unknown> }
  | { cmd: 'heap' }
  | { cmd: 'exit' };

export type TBaselineReport = { type: 'listening'; port: number } | { type: 'sent'; fanoutMs: number } | { type: 'heap'; heapUsed: number };

const mode = process.argv[2] === 'trpc' ? 'trpc' : 'plain';
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const send = (r: TBaselineReport) => process.send!(r);

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

/** The leanest subscription tRPC allows: an iterator that each event resolves directly. */
const relays = new Set<Relay>();
class Relay implements AsyncIterableIterator<unknown> {
  private waiting: ((r: IteratorResult<unknown>) => void) | null = null;
  [Symbol.asyncIterator]() {
    relays.add(this);
    return this;
  }
  next() {
    return new Promise<IteratorResult<unknown>>((resolve) => (this.waiting = resolve));
  }
  return() {
    relays.delete(this);
    this.waiting?.({ done: true, value: undefined });
    return Promise.resolve({ done: true as const, value: undefined });
  }
  deliver(value: unknown) {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ done: false, value });
  }
}

if (mode === 'trpc') {
  const t = initTRPC.create();
  const router = t.router({ tickets: t.router({ onThread: t.procedure.subscription(() => new Relay()) }) });
  applyWSSHandler({ wss, router });
} else {
  wss.on('connection', (ws) => {
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      if (text === 'PONG') return;
      const [req] = JSON.parse(text) as [{ id: number }];
      ws.send(JSON.stringify({ id: req.id, result: { type: 'started' } }));
    });
  });
}

process.on('message', (c: TBaselineCommand) => void onCommand(c));
async function onCommand(c: TBaselineCommand) {
  if (c.cmd === 'broadcast') {
    // The commit stamp is taken here, so the IPC hop that asked for this round is not counted.
    const t0 = nowMs();
    const payload = { ...c.payload, comment: { ...c.payload.comment, body: c.payload.comment.body.replace('T0', String(t0)) } };
    if (mode === 'plain') {
      const message = JSON.stringify({ id: 1, result: { type: 'data', id: c.trackedId, data: { id: c.trackedId, data: { kind: c.kind, payload } } } });
      for (const ws of wss.clients) ws.send(message);
    } else {
      for (const relay of [...relays]) relay.deliver(tracked(c.trackedId, { kind: c.kind, payload }));
      await new Promise((r) => setImmediate(r));
    }
    send({ type: 'sent', fanoutMs: nowMs() - t0 });
  } else if (c.cmd === 'heap') {
    globalThis.gc?.();
    globalThis.gc?.();
    send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
  } else {
    process.exit(0);
  }
}

server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));

// Ends with the bench that forked it, however that ended (its IPC channel closes).
process.on('disconnect', () => process.exit(0));
