import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ENGINE } from '../../../db/engine';
import { listenPostgres } from '../../../db/pg-listener';

/*
 * The LISTEN connection's own recovery, through a TCP proxy that can go silent: a connection
 * ended by the server (pg_terminate_backend) and one whose peer vanished without a word
 * (half-open: nothing arrives, nothing fails) are both made again, and notifications are
 * heard again after.
 */

const NOT_PG = 'LISTEN needs a PostgreSQL server: runs in `npm run test:pg` (DATABASE_URL=postgres://…)';

/** A proxy to the server; `silence()` makes every connection open so far drop all bytes, both ways. */
async function silentProxy(target: URL) {
  const pairs: { client: Socket; upstream: Socket; silent: boolean }[] = [];
  const server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream, silent: false };
    pairs.push(pair);
    client.on('data', (d) => void (pair.silent || upstream.write(d)));
    upstream.on('data', (d) => void (pair.silent || client.write(d)));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    silence: () => pairs.forEach((p) => (p.silent = true)),
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}

async function notify(url: string, channel: string, payload: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('select pg_notify($1, $2)', [channel, payload]);
  await c.end();
}

const until = async (check: () => boolean | Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
};

describe('the LISTEN connection', () => {
  it('is made again after the server ends it, and after it goes silent; notifications arrive again', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const server = process.env.DATABASE_URL!;
    const proxy = await silentProxy(new URL(server));
    const heard: string[] = [];
    let listened = 0;
    let lost = 0;
    const channel = `portico_test_${process.pid}`;
    const listener = await listenPostgres({
      url: proxy.url,
      channel,
      onNotify: (p) => heard.push(p),
      onListening: () => listened++,
      onLost: () => lost++,
      minDelayMs: 10,
      pingMs: 100,
      timeoutMs: 500,
    });
    try {
      expect(listener.state()).toBe('listening');
      await notify(server, channel, 'one');
      await until(() => heard.includes('one'));

      // Ended by the server.
      const first = listener.backendPid()!;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [first]);
      await admin.end();
      await until(() => listened === 2);
      expect(listener.backendPid()).not.toBe(first);
      await notify(server, channel, 'two');
      await until(() => heard.includes('two'));

      // Gone silent: no error, no close; only the unanswered ping tells.
      const second = listener.backendPid()!;
      proxy.silence();
      await until(() => listened === 3);
      expect(listener.state()).toBe('listening');
      expect(listener.backendPid()).not.toBe(second);
      expect(lost).toBeGreaterThanOrEqual(2);
      await notify(server, channel, 'three');
      await until(() => heard.includes('three'));
      expect(heard).toEqual(['one', 'two', 'three']);
    } finally {
      await listener.stop();
      await proxy.close();
    }
    expect(listener.state()).toBe('stopped');
  });
});
