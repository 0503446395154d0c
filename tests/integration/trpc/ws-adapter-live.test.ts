import { rmSync } from 'node:fs';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeDatabase, openDatabase } from '../../../db/client';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { startPortico } from '../../../server/app';
import { createServiceContext } from '../../../server/core/create-service-context';
import { createLogger } from '../../../server/core/logger';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { ticketTopic } from '../../../server/tickets/topics';
import type { AppRouter } from '../../../server/trpc/router';
import { asDemoUser } from '../../helpers/demo-actors';
import { RawTrpcSocket } from '../../helpers/raw-trpc-socket';
import { createTestClient } from '../../helpers/trpc-client';
import { startTestServer, testSettings } from '../../helpers/test-server';

/*
 * The lean WebSocket adapter (the default) with the real @trpc/client over real sockets:
 * stop, resume after a restart, the reconnect notice, the Origin check, a slow client cut
 * off and resuming, and what a subscriber may not see.
 */
let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.stop());

type TEvent = { id: string; data: { kind: string; payload: { comment?: { body: string } } } };
const bodyOf = (e: TEvent) => e.data.payload.comment?.body;
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

/** A wsLink client as the browser's, opened with the portal's Origin and a session cookie; its sockets are kept. */
function liveClient(origin: string, cookie: string, extra: Partial<Parameters<typeof createWSClient>[0]> = {}) {
  const sockets: WebSocket[] = [];
  const wsClient = createWSClient({
    url: `${origin.replace(/^http/, 'ws')}/trpc`,
    retryDelayMs: () => 50,
    WebSocket: class extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers: { origin, cookie } });
        sockets.push(this);
      }
    } as unknown as typeof globalThis.WebSocket,
    ...extra,
  });
  return { trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] }), wsClient, sockets };
}

async function signIn(origin: string, email: string) {
  const t = createTestClient(origin);
  await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  return t;
}

describe('lean WebSocket adapter with @trpc/client', () => {
  it('starts, delivers and stops a subscription; the stop lets go of the bus at once', async () => {
    const contact = await signIn(srv.origin, 'primary@acme-dental.test');
    const ticket = await contact.client.tickets.create.mutate({ subject: 'Stop me', description: 'x' });
    const live = liveClient(srv.origin, contact.cookie(), { connectionParams: { note: 'params are read before any call' } });
    const got: TEvent[] = [];
    let started = false;
    const sub = live.trpc.tickets.onThread.subscribe(
      { ticketId: ticket.id, lastEventId: null },
      { onStarted: () => (started = true), onData: (e) => void got.push(e as never) },
    );
    await until(() => started);
    const bus = srv.portico.base.bus;
    expect(bus.listenerCount(ticketTopic(ticket.id))).toBe(1);
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'hello' });
    await until(() => got.length === 1);
    expect(got.map(bodyOf)).toEqual(['hello']);
    sub.unsubscribe();
    await until(() => bus.listenerCount(ticketTopic(ticket.id)) === 0);
    await live.wsClient.close();
    await contact.close();
  });

  it('refuses a WebSocket from another Origin', async () => {
    const contact = await signIn(srv.origin, 'primary@acme-dental.test');
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`${srv.origin.replace(/^http/, 'ws')}/trpc`, { headers: { origin: 'https://evil.example', cookie: contact.cookie() } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('open', () => resolve(undefined));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).toBe(403);
    await contact.close();
  });

  it('never sends a contact an internal note, nor a list event of a ticket they may not see', async () => {
    const base = srv.portico.base;
    const standard = await signIn(srv.origin, 'standard@acme-dental.test');
    const own = await standard.client.tickets.create.mutate({ subject: 'Mine to follow', description: 'x' });
    const live = liveClient(srv.origin, standard.cookie());
    const thread: TEvent[] = [];
    const list: TEvent[] = [];
    let startedCount = 0;
    live.trpc.tickets.onThread.subscribe({ ticketId: own.id, lastEventId: null }, { onStarted: () => startedCount++, onData: (e) => void thread.push(e as never) });
    live.trpc.tickets.onList.subscribe({ lastEventId: null }, { onStarted: () => startedCount++, onData: (e) => void list.push(e as never) });
    await until(() => startedCount === 2);

    const tech = await asDemoUser(base, 'tech@demo-msp.test');
    await addReply(tech, { ticketId: own.id, body: 'Kumquat: staff only.', internal: true });
    // Billing raises a ticket Standard may not see (not theirs, not watched).
    const other = await createTicket(await asDemoUser(base, 'billing@acme-dental.test'), { subject: 'Not for Standard', description: 'x' });
    await addReply(tech, { ticketId: own.id, body: 'A public answer.' });
    await until(() => thread.length === 1 && list.length >= 1);
    expect(thread.map(bodyOf)).toEqual(['A public answer.']);
    expect(JSON.stringify(thread)).not.toContain('Kumquat');
    const listed = list.map((e) => (e.data.payload as unknown as { ticket: { ticketId: number } }).ticket.ticketId);
    expect(listed).not.toContain(other.id);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((id) => id === own.id)).toBe(true);
    await live.wsClient.close();
    await standard.close();
  });

  it('cuts off a client that stops reading; it reconnects and resumes with no gap and no duplicate', async () => {
    const contact = await signIn(srv.origin, 'primary@acme-dental.test');
    const ticket = await contact.client.tickets.create.mutate({ subject: 'Slow reader', description: 'x' });
    const live = liveClient(srv.origin, contact.cookie());
    const got: TEvent[] = [];
    let started = 0;
    live.trpc.tickets.onThread.subscribe({ ticketId: ticket.id, lastEventId: null }, { onStarted: () => started++, onData: (e) => void got.push(e as never) });
    await until(() => started === 1);
    const first = live.sockets[0]!;
    let firstClosed = false;
    first.on('close', () => (firstClosed = true));
    // Stop reading (the ws library's own socket), as a stalled browser tab would.
    (first as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    // Far more than the server holds for one socket (4 MiB) plus what the kernel buffers.
    const svc = await asDemoUser(srv.portico.base, 'primary@acme-dental.test');
    const filler = 'x'.repeat(40_000);
    const sent: string[] = [];
    const before = srv.portico.web.wss.clients.size;
    for (let i = 0; i < 400 && srv.portico.web.wss.clients.size === before; i++) {
      const body = `#${i} ${filler}`;
      await addReply(svc, { ticketId: ticket.id, body });
      sent.push(body);
      await new Promise((r) => setImmediate(r));
    }
    // The server let go of the socket before the replies ran out.
    expect(srv.portico.web.wss.clients.size).toBe(before - 1);
    for (let i = 0; i < 3; i++) {
      const body = `after the cut ${i}`;
      await addReply(svc, { ticketId: ticket.id, body });
      sent.push(body);
    }
    (first as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => got.length >= sent.length);
    expect(firstClosed).toBe(true);
    expect(live.sockets.length).toBeGreaterThan(1);
    expect(got.map(bodyOf)).toEqual(sent);
    await live.wsClient.close();
    await contact.close();
  });
});

describe('across a server restart', () => {
  it('tells clients to reconnect, and a resumed subscription gets exactly what it missed', async () => {
    const { settings, dir } = await testSettings();
    let portico = await startPortico(settings);
    const port = Number(new URL(settings.publicUrl).port);
    const origin = settings.publicUrl;
    const contact = await signIn(origin, 'primary@acme-dental.test');
    const ticket = await contact.client.tickets.create.mutate({ subject: 'Restart', description: 'x' });
    const live = liveClient(origin, contact.cookie());
    const got: TEvent[] = [];
    let started = 0;
    live.trpc.tickets.onThread.subscribe({ ticketId: ticket.id, lastEventId: null }, { onStarted: () => started++, onData: (e) => void got.push(e as never) });
    await until(() => started === 1);
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'one' });
    await until(() => got.length === 1);

    const watcher = await RawTrpcSocket.open(`${origin.replace(/^http/, 'ws')}/trpc`, { origin, cookie: contact.cookie() });
    await portico.stop();
    expect(JSON.parse((await watcher.nextText())!)).toEqual({ id: null, method: 'reconnect' });

    // While the portal is down, two replies land in the durable log (as mail intake at start might).
    const db = await openDatabase(settings);
    const offline = createServiceContext({ db, settings, log: createLogger('silent') });
    for (const body of ['two', 'three']) await addReply(await asDemoUser(offline, 'primary@acme-dental.test'), { ticketId: ticket.id, body });
    await closeDatabase(db);

    const again = await testSettings({ PORT: String(port) });
    rmSync(again.dir, { recursive: true, force: true });
    portico = await startPortico({ ...again.settings, DATABASE_PATH: settings.DATABASE_PATH, DATABASE_URL: settings.DATABASE_URL, DATA_DIR: settings.DATA_DIR });
    await until(() => got.length === 3);
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'four' });
    await until(() => got.length === 4);
    expect(got.map(bodyOf)).toEqual(['one', 'two', 'three', 'four']);
    const ids = got.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    await live.wsClient.close();
    await contact.close();
    await portico.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
