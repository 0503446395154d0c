import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { createTestClient } from '../../helpers/trpc-client';
import { RawTrpcSocket } from '../../helpers/raw-trpc-socket';
import { startTestServer } from '../../helpers/test-server';
import { rawRows } from '../../../db/client';

/*
 * The lean WebSocket adapter must speak tRPC's protocol exactly: the same script, sent by
 * hand as @trpc/client's wsLink sends it, gets the same messages from the portal with
 * WS_ADAPTER=lean as with tRPC's own adapter (WS_ADAPTER=trpc).
 */
type TServer = Awaited<ReturnType<typeof startTestServer>>;
const servers: Partial<Record<'lean' | 'trpc', TServer>> = {};
beforeAll(async () => {
  servers.lean = await startTestServer({ WS_ADAPTER: 'lean' });
  servers.trpc = await startTestServer({ WS_ADAPTER: 'trpc' });
});
afterAll(async () => {
  await servers.lean?.stop();
  await servers.trpc?.stop();
});

type TMsg = { id?: unknown; result?: { type: string; id?: string; data?: { id: string; data: { kind: string; payload: { comment: { body: string } } } } }; error?: unknown };
const wsUrl = (origin: string) => `${origin.replace(/^http/, 'ws')}/trpc`;

/** Runs the script on one server; returns what it received, with each event's payload reduced to its body. */
async function transcript(srv: TServer) {
  const northwind = (await rawRows<{ id: number }>(srv.portico.base.db, "select t.id from tickets t join companies c on c.id = t.company_id where c.name = 'Northwind Logistics' order by t.id limit 1"))[0]!;
  const contact = createTestClient(srv.origin);
  await contact.client.auth.signInWithPassword.mutate({ email: 'primary@acme-dental.test', password: DEMO_PASSWORD });
  const ticket = await contact.client.tickets.create.mutate({ subject: 'Protocol', description: 'Same bytes from both adapters.' });
  const raw = await RawTrpcSocket.open(wsUrl(srv.origin), { origin: srv.origin, cookie: contact.cookie() });
  const got: unknown[] = [];
  const texts: string[] = [];
  const read = async () => {
    const text = await raw.nextText();
    texts.push(text!);
    if (text === 'PING' || text === 'PONG') {
      got.push(text);
      return {} as TMsg;
    }
    const m = JSON.parse(text!) as TMsg;
    const d = m.result?.id ? m.result.data : undefined;
    // Ids of events and timestamps differ between the two databases; the body shows which event it is.
    if (d) got.push({ ...m, result: { ...m.result, id: 'E', data: { id: 'E', data: { kind: d.data.kind, body: d.data.payload.comment.body } } } });
    else if (m.id === 2 && m.result) got.push({ ...m, result: { ...m.result, data: 'me' } });
    else got.push(m);
    return m;
  };
  const subscribe = (id: number, input: unknown, lastEventId?: string, path = 'tickets.onThread') =>
    raw.send([{ id, method: 'subscription', params: { input, path, lastEventId } }]);

  raw.send('PING');
  await read();
  subscribe(1, { ticketId: ticket.id, lastEventId: null });
  await read(); // started
  await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'one' });
  const one = (await read()) as TMsg;
  subscribe(1, { ticketId: ticket.id, lastEventId: null });
  await read(); // Duplicate id
  raw.send({ id: 1, method: 'subscription.stop' });
  await read(); // stopped
  await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'two' });
  // Stopped: the next message answers this query, not the reply above.
  raw.send({ id: 2, method: 'query', params: { path: 'auth.me', input: undefined } });
  const me = (await read()) as unknown as { id: number; result: { data: { user: { email: string } } } };
  // Resume after "one": "two" is replayed, then "three" arrives live.
  subscribe(3, { ticketId: ticket.id }, one.result!.id);
  await read(); // started
  await read(); // two
  await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'three' });
  await read(); // three
  subscribe(4, {}, undefined, 'tickets.noSuchThing');
  await read();
  subscribe(5, { ticketId: northwind.id, lastEventId: null });
  await read(); // another company's ticket: refused, nothing else
  raw.send({ id: 6, method: 'mutation', params: { path: 'tickets.reply', input: { ticketId: ticket.id, body: '  ' } } });
  await read();
  raw.send('this is not JSON');
  await read();
  raw.send({ id: null, method: 'query', params: { path: 'auth.me' } });
  await read();
  raw.send({ id: 3, method: 'subscription.stop' });
  await read(); // stopped
  raw.close();
  await contact.close();
  return { got, texts, me };
}

describe('the lean adapter speaks tRPC’s ws protocol', () => {
  it('answers the same script with the same messages as tRPC’s own adapter', async () => {
    const lean = await transcript(servers.lean!);
    const trpc = await transcript(servers.trpc!);
    expect(lean.got).toEqual(trpc.got);
    expect(lean.me.result.data.user.email).toBe('primary@acme-dental.test');

    // What the script is about, so an empty or wrong transcript on both cannot pass.
    const kinds = lean.got.map((m) => {
      if (typeof m === 'string') return m;
      const msg = m as TMsg & { error?: { message: string; data: { code: string } } };
      if (msg.error) return `${String(msg.id)} error ${msg.error.data.code}: ${msg.error.message}`;
      const r = msg.result!;
      return r.type === 'data' ? `${String(msg.id)} data ${(r.data as unknown as { data?: { body: string } } | string | undefined) === 'me' ? 'me' : (r.data as unknown as { data: { body: string } }).data.body}` : `${String(msg.id)} ${r.type}`;
    });
    expect(kinds).toEqual([
      'PONG',
      '1 started',
      '1 data one',
      '1 error BAD_REQUEST: Duplicate id 1',
      '1 stopped',
      '2 data me',
      '3 started',
      '3 data two',
      '3 data three',
      '4 error NOT_FOUND: No "subscription"-procedure on path "tickets.noSuchThing"',
      '5 error NOT_FOUND: Ticket not found.',
      '6 error BAD_REQUEST: Write a reply.',
      'null error PARSE_ERROR: Unexpected token \'h\', "this is not JSON" is not valid JSON',
      'null error PARSE_ERROR: `id` is required',
      '3 stopped',
    ]);
    // A tracked event, byte for byte in tRPC's key order.
    const dataText = lean.texts.find((t) => t.includes('"type":"data"') && t.startsWith('{"id":1'))!;
    expect(dataText).toMatch(/^\{"id":1,"result":\{"type":"data","data":\{"id":"(\d+)","data":\{"kind":"comment.added","payload":\{.*\}\}\},"id":"\1"\}\}$/);
  });
});
