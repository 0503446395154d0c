import { request } from 'node:http';
import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { users } from '../../../db/schema/people';
import { startPortico, type TPortico } from '../../../server/app';
import { RawTrpcSocket } from '../../helpers/raw-trpc-socket';
import { createTestClient } from '../../helpers/trpc-client';
import { testSettings } from '../../helpers/test-server';

/*
 * What an attacker tried against a running portal on its default settings: concurrent
 * guesses, oversized and cross-site requests, sockets and subscriptions without end.
 * The server logs into memory so that what it logs, and at which level, can be read.
 */

const logLines: { level: number; msg: string }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as { level: number; msg: string });
    done();
  },
});
const { settings, dir } = await testSettings({ WS_MAX_SUBSCRIPTIONS: '5', WS_MAX_SOCKETS_PER_SESSION: '3' });
let portico: TPortico;
let origin: string;
beforeAll(async () => {
  portico = await startPortico(settings, { log: pino({ level: 'info' }, sink) });
  origin = settings.publicUrl;
});
afterAll(async () => {
  await portico?.stop();
  const { rmSync } = await import('node:fs');
  rmSync(dir, { recursive: true, force: true });
});

type TRaw = { status: number; body: string; written: number };

/** A POST by hand: from a chosen source address, with chosen headers, a body from a generator. */
function post(path: string, opts: { body?: string; chunks?: () => Buffer | null; headers?: Record<string, string | number>; localAddress?: string }): Promise<TRaw> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, origin);
    let written = 0;
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', localAddress: opts.localAddress, headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, written }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body, written }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) return void req.end(opts.body);
    // Write while the server reads; stop once it has answered (or hung up), and read its answer.
    let answered = false;
    const pump = () => {
      for (;;) {
        if (answered || req.destroyed) return;
        const chunk = opts.chunks!();
        if (!chunk) return void req.end();
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.on('response', () => (answered = true));
    pump();
  });
}

const json = { 'content-type': 'application/json' };

describe('lockout under concurrency', () => {
  it('20 wrong passwords at once from 20 addresses lock the account, all 20 audited; then the right password is refused', async () => {
    const email = 'standard@northwind.test';
    const attempts = Array.from({ length: 20 }, (_, i) =>
      post('/trpc/auth.signInWithPassword', {
        body: JSON.stringify({ email, password: `wrong-guess-${i}` }),
        headers: { ...json, origin },
        localAddress: `127.0.0.${i + 1}`,
      }),
    );
    const answers = await Promise.all(attempts);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(401));

    const user = (await portico.base.db.select().from(users).where(eq(users.email, email)))[0]!;
    expect(user.lockedAt).not.toBeNull();
    const failures = (await portico.base.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.email, email), eq(auditEvents.kind, 'sign_in_failed'))));
    expect(failures).toHaveLength(20);
    // Never more guesses checked against the real hash than the lockout allows.
    const checked = failures.filter((f) => (f.detail as { reason?: string }).reason === 'wrong_password');
    expect(checked.length).toBeLessThanOrEqual(settings.LOCKOUT_ATTEMPTS);

    const right = await post('/trpc/auth.signInWithPassword', {
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      headers: { ...json, origin },
      localAddress: '127.0.0.42',
    });
    expect(right.status).toBe(401);
  });
});

describe('request size', () => {
  it('refuses a declared 5 MB body with 413 without reading it, and memory stays put', async () => {
    const before = process.memoryUsage();
    const size = 5 * 1024 * 1024;
    let left = size;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const res = await post('/trpc/auth.start', {
      chunks: () => (left > 0 ? ((left -= chunk.length), chunk) : null),
      headers: { ...json, origin, 'content-length': size },
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toMatch(/too large/);
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });

  it('cuts a chunked body at the limit and stops reading: most of 100 MB is never sent', async () => {
    let left = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const res = await post('/trpc/auth.start', { chunks: () => (left > 0 ? ((left -= chunk.length), chunk) : null), headers: { ...json, origin } });
    expect(res.status).toBe(413);
    expect(res.written).toBeLessThan(30 * 1024 * 1024);
    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses a batch of more than 20 calls with a clear 400, and takes 20', async () => {
    const batch = (n: number) =>
      fetch(`${origin}/trpc/${Array(n).fill('auth.me').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`);
    const over = await batch(21);
    expect(over.status).toBe(400);
    expect(await over.text()).toMatch(/Batch call exceeds maximum size/);
    expect((await batch(20)).status).toBe(200);
  });
});

describe('cross-site writes', () => {
  const signIn = JSON.stringify({ email: 'nobody@example.test' });
  it('refuses a Sec-Fetch-Site: cross-site mutation even without Origin', async () => {
    const res = await post('/trpc/auth.start', { body: signIn, headers: { ...json, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
  });
  it('refuses a form-encoded mutation with neither Origin nor Sec-Fetch-Site, takes JSON', async () => {
    const form = await post('/trpc/auth.start', { body: 'email=a%40b.test', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(403);
    const text = await post('/trpc/auth.start', { body: signIn, headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(403);
    const tool = await post('/trpc/auth.start', { body: signIn, headers: json });
    expect(tool.status).toBe(200);
    const sameOrigin = await post('/trpc/auth.start', { body: signIn, headers: { ...json, 'sec-fetch-site': 'same-origin' } });
    expect(sameOrigin.status).toBe(200);
  });
  it('refuses an upload with neither Origin nor Sec-Fetch-Site', async () => {
    const contact = createTestClient(origin);
    await contact.client.auth.signInWithPassword.mutate({ email: 'standard@acme-dental.test', password: DEMO_PASSWORD });
    const boundary = 'x-portico-test';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="a.txt"', 'Content-Type: text/plain', '', 'hello', `--${boundary}--`, ''].join('\r\n');
    const headers = { cookie: contact.cookie(), 'content-type': `multipart/form-data; boundary=${boundary}` };
    for (const path of ['/attachments', '/documents']) {
      expect((await post(path, { body, headers })).status).toBe(403);
      expect((await post(path, { body, headers: { ...headers, 'sec-fetch-site': 'cross-site', origin } })).status).toBe(403);
    }
    const ok = await post('/attachments', { body, headers: { ...headers, origin } });
    expect(ok.status).toBe(201);
  });
});

describe('WebSocket caps and sign-out', () => {
  const wsUrl = () => `${origin.replace(/^http/, 'ws')}/trpc`;
  const subscribe = (id: number) => ({ id, method: 'subscription', params: { path: 'tickets.onList', input: {} } });

  async function signedIn(email: string): Promise<string> {
    const c = createTestClient(origin);
    await c.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    return c.cookie();
  }
  async function answerTo(socket: RawTrpcSocket, id: number): Promise<{ result?: { type: string }; error?: { message: string; data: { code: string } } }> {
    for (;;) {
      const text = await socket.nextText();
      if (text === null) throw new Error('socket closed');
      const msg = JSON.parse(text) as { id?: number };
      if (msg.id === id) return msg as never;
    }
  }

  it('refuses subscriptions past the cap on one socket, with a clear error, and the socket stays usable', async () => {
    const cookie = await signedIn('primary@acme-dental.test');
    const socket = await RawTrpcSocket.open(wsUrl(), { origin, cookie });
    for (let i = 1; i <= 5; i++) {
      socket.send(subscribe(i));
      expect((await answerTo(socket, i)).result?.type).toBe('started');
    }
    socket.send(subscribe(6));
    const refused = await answerTo(socket, 6);
    expect(refused.error?.data.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error?.message).toMatch(/at most 5/);
    // Stopping one frees a slot; queries still work.
    socket.send({ id: 1, method: 'subscription.stop' });
    await new Promise((r) => setTimeout(r, 50));
    socket.send(subscribe(7));
    expect((await answerTo(socket, 7)).result?.type).toBe('started');
    socket.send({ id: 8, method: 'query', params: { path: 'auth.me', input: undefined } });
    expect((await answerTo(socket, 8)).result?.type).toBe('data');
    expect(socket.closed).toBeNull();
    socket.ws.close();
  });

  it('caps sockets per session: the next one is closed with 4429 and a reason', async () => {
    const cookie = await signedIn('technical@acme-dental.test');
    const held = await Promise.all([1, 2, 3].map(() => RawTrpcSocket.open(wsUrl(), { origin, cookie })));
    const fourth = await RawTrpcSocket.open(wsUrl(), { origin, cookie });
    expect(await fourth.nextText()).toBeNull();
    expect(fourth.closed?.code).toBe(4429);
    held[0]!.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawTrpcSocket.open(wsUrl(), { origin, cookie });
    again.send({ id: 1, method: 'query', params: { path: 'auth.me', input: undefined } });
    expect((await answerTo(again, 1)).result?.type).toBe('data');
    for (const s of [...held, again]) s.ws.close();
  });

  it('closes an open socket with 4401 once its session has signed out', async () => {
    const contact = createTestClient(origin);
    await contact.client.auth.signInWithPassword.mutate({ email: 'billing@acme-dental.test', password: DEMO_PASSWORD });
    const socket = await RawTrpcSocket.open(wsUrl(), { origin, cookie: contact.cookie() });
    await contact.client.auth.signOut.mutate();
    socket.send({ id: 1, method: 'query', params: { path: 'tickets.list', input: {} } });
    expect((await answerTo(socket, 1)).error?.message).toBe('Please sign in.');
    expect(await socket.nextText()).toBeNull();
    expect(socket.closed?.code).toBe(4401);
  });

  it('logs a refusal inside a subscription at info, not as an error', async () => {
    const cookie = await signedIn('standard@acme-dental.test');
    const socket = await RawTrpcSocket.open(wsUrl(), { origin, cookie });
    const from = logLines.length;
    socket.send({ id: 1, method: 'subscription', params: { path: 'finance.onChange', input: {} } });
    let answer = await answerTo(socket, 1);
    if (answer.result?.type === 'started') answer = await answerTo(socket, 1);
    expect(answer.error?.data.code).toBe('FORBIDDEN');
    await new Promise((r) => setTimeout(r, 50));
    const logged = logLines.slice(from);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(logged.some((l) => l.level === 30 && /refused/.test(l.msg))).toBe(true);
    socket.ws.close();
  });
});
