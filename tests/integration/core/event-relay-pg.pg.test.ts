import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../../db/engine';
import type { TEventRow } from '../../../db/schema/events';
import { EVENTS_CHANNEL } from '../../../server/core/unit-of-work';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { ticketTopic } from '../../../server/tickets/topics';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestServer } from '../../helpers/test-server';

/*
 * One node on PostgreSQL: its own commits reach its bus once (through the relay, not also
 * by their notification), as do events another node commits; and /healthz says the node
 * is not ready while its LISTEN connection is down.
 */

const NOT_PG = 'the LISTEN connection and its relay exist on PostgreSQL only: runs in `npm run test:pg`';

let srv: Awaited<ReturnType<typeof startTestServer>> | null = null;
beforeAll(async () => {
  if (ENGINE === 'pg') srv = await startTestServer();
});
afterAll(() => srv?.stop());

describe('the event relay of one node on PostgreSQL', () => {
  it('publishes its own commits and another node’s on the bus once each, in id order', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const base = srv!.portico.base;
    const contact = await asDemoUser(base, 'primary@acme-dental.test');
    const ticket = await createTicket(contact, { subject: 'Once', description: 'each' });
    const seen: TEventRow[] = [];
    const off = base.bus.on(ticketTopic(ticket.id), (e) => seen.push(e));
    try {
      await addReply(contact, { ticketId: ticket.id, body: 'mine' });
      // Another node's commit: an event and its notification, from a connection of its own.
      // Notifications arrive in commit order: once this one is published, so has been (or
      // never will be) anything the first commit's own notification could cause.
      const other = new pg.Client({ connectionString: base.settings.DATABASE_URL });
      await other.connect();
      try {
        await other.query('begin');
        const { rows } = await other.query<{ id: number }>(
          `insert into events (topic, kind, payload, created_at) values ($1, 'test.other-node', '{}', now()) returning id`,
          [ticketTopic(ticket.id)],
        );
        await other.query('select pg_notify($1, $2)', [EVENTS_CHANNEL, String(rows[0]!.id)]);
        await other.query('commit');
        while (!seen.some((e) => e.kind === 'test.other-node')) await new Promise((r) => setTimeout(r, 20));
      } finally {
        await other.end();
      }
      expect(seen.map((e) => e.kind)).toEqual(['comment.added', 'test.other-node']);
      expect(seen[0]!.id).toBeLessThan(seen[1]!.id);
    } finally {
      off();
    }
  });

  it('answers /healthz 503 while the LISTEN connection is down', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const relay = srv!.portico.relay!;
    const state = relay.listenState;
    relay.listenState = () => 'reconnecting';
    try {
      const res = await fetch(`${srv!.origin}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'degraded', db: 'ok', listen: 'down' });
    } finally {
      relay.listenState = state;
    }
    expect((await fetch(`${srv!.origin}/healthz`)).status).toBe(200);
  });
});
