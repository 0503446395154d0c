import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { createTestClient } from '../../helpers/trpc-client';
import { startTestServer } from '../../helpers/test-server';
import { rawRows } from '../../../db/client';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.stop());

type TEvent = { id: string; data: { kind: string; payload: Record<string, unknown> } };

/** Collects a subscription's tracked events until `count` arrived. */
function collect(sub: (onData: (e: TEvent) => void) => { unsubscribe(): void }, count: number) {
  const got: TEvent[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const s = sub((e) => {
    got.push(e);
    if (got.length >= count) done();
  });
  return { got, finished, stop: () => s.unsubscribe() };
}

describe('ticket thread subscription over WebSocket', () => {
  it('delivers replies live, and a resumed subscription gets exactly the missed ones', async () => {
    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: 'primary@acme-dental.test', password: DEMO_PASSWORD });
    const ticket = await contact.client.tickets.create.mutate({ subject: 'Live test', description: 'Does it stream?' });
    const live = contact.live();

    const first = collect((onData) => live.tickets.onThread.subscribe({ ticketId: ticket.id, lastEventId: null }, { onData: onData as never }), 2);
    await new Promise((r) => setTimeout(r, 150)); // let the subscription start on the server
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'one' });
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'two' });
    await first.finished;
    first.stop();
    const bodies = (evs: TEvent[]) => evs.map((e) => (e.data.payload.comment as { body: string }).body);
    expect(bodies(first.got)).toEqual(['one', 'two']);

    // While nobody listens, two more replies land; resuming after "one" yields two, three, four once each.
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'three' });
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'four' });
    const resumed = collect(
      (onData) => live.tickets.onThread.subscribe({ ticketId: ticket.id, lastEventId: Number(first.got[0]!.id) }, { onData: onData as never }),
      4,
    );
    await new Promise((r) => setTimeout(r, 150));
    await contact.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'five' });
    await resumed.finished;
    resumed.stop();
    expect(bodies(resumed.got)).toEqual(['two', 'three', 'four', 'five']);
    const ids = resumed.got.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await contact.close();
  });

  it('refuses a thread of another company', async () => {
    const staff = (await rawRows<{ id: number }>(srv.portico.base.db, "select t.id from tickets t join companies c on c.id = t.company_id where c.name = 'Northwind Logistics' limit 1"))[0]!;
    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: 'primary@acme-dental.test', password: DEMO_PASSWORD });
    const live = contact.live();
    const err = await new Promise<unknown>((resolve) => {
      live.tickets.onThread.subscribe({ ticketId: staff.id, lastEventId: null }, { onError: resolve, onData: () => resolve(null) });
    });
    expect((err as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
    await contact.close();
  });
});

describe('session subscription', () => {
  it('says ready, then session.ended when the session signs out', async () => {
    const t = createTestClient(srv.origin);
    await t.client.auth.signInWithPassword.mutate({ email: 'billing@acme-dental.test', password: DEMO_PASSWORD });
    const live = t.live();
    const kinds: string[] = [];
    const ended = new Promise<void>((resolve) => {
      live.live.session.subscribe(undefined, {
        onData: (e) => {
          const ev = (('data' in e ? e.data : e) as { kind: string });
          kinds.push(ev.kind);
          if (ev.kind === 'session.ended') resolve();
        },
      });
    });
    await new Promise((r) => setTimeout(r, 150));
    await t.client.auth.signOut.mutate();
    await ended;
    expect(kinds).toEqual(['ready', 'session.ended']);
    expect(await t.client.auth.me.query()).toBeNull();
    await t.close();
  });
});
