import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../../db/engine';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { spawnPortico, type TPorticoProcess } from '../../helpers/portico-process';
import { followThread, settle } from '../../helpers/live-thread';
import { testDatabase, type TTestDatabase } from '../../helpers/test-database';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Two Portico processes on one PostgreSQL database, as two nodes behind one public origin:
 * an event committed on one reaches live subscribers on the other (NOTIFY, LISTEN, then the
 * event table), a client that moves to the other node resumes with no gap and no
 * duplicate, an ended session closes its socket on whichever node holds it, and a node
 * whose LISTEN connection is cut reconnects and catches up from the table.
 */

const NOT_PG = 'several nodes share a PostgreSQL database: runs in `npm run test:pg` (DATABASE_URL=postgres://…)';
const ORIGIN = 'http://portico.test';

let dir = '';
let database: TTestDatabase | null = null;
let a: TPorticoProcess | null = null;
let b: TPorticoProcess | null = null;

beforeAll(async () => {
  if (ENGINE !== 'pg') return;
  dir = mkdtempSync(join(tmpdir(), 'portico-nodes-'));
  database = await testDatabase(dir);
  const env = (node: string) => ({
    NODE_ENV: 'test',
    PORT: '0',
    SMTP_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    ...database!.env,
    DATA_DIR: join(dir, `files-${node}`),
    LOG_LEVEL: 'silent',
    PUBLIC_URL: ORIGIN,
    SECRET_KEY: 'one-key-for-every-node-of-this-test-0123456789',
  });
  // A seeds the demo data; B starts on the seeded database.
  a = await spawnPortico(env('a'));
  b = await spawnPortico(env('b'));
}, 60_000);

afterAll(async () => {
  await a?.kill();
  await b?.kill();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A contact signed in on node A, its requests going to A. */
async function signedIn(email: string) {
  const t = createTestClient(ORIGIN, { url: a!.url });
  await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  return t;
}

/** Waits until `check` holds (the test's timeout bounds it). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

describe('live updates across nodes on one PostgreSQL database', () => {
  it('a reply posted on node A reaches a subscriber on node B', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('primary@acme-dental.test');
    const ticket = await t.client.tickets.create.mutate({ subject: 'Across nodes', description: 'Do replies cross?' });
    const onB = followThread(t.live({ url: b!.url }), ticket.id, null);
    await onB.started;
    await settle();
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'posted on A' });
    await onB.until('posted on A');
    expect(onB.bodies()).toEqual(['posted on A']);
    onB.stop();
    await t.close();
  });

  it('a client that moves from node B to node A resumes after its last id with no gap and no duplicate', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('standard@acme-dental.test');
    const onB2 = createTestClient(ORIGIN, { url: b!.url });
    await onB2.client.auth.signInWithPassword.mutate({ email: 'standard@acme-dental.test', password: DEMO_PASSWORD });
    const ticket = await t.client.tickets.create.mutate({ subject: 'Moving client', description: 'From B to A' });
    const first = followThread(t.live({ url: b!.url }), ticket.id, null);
    await first.started;
    await settle();
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'one' });
    await onB2.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'two' });
    await first.until('two');
    first.stop();
    expect(first.bodies()).toEqual(['one', 'two']);

    // B's socket is gone; replies land on both nodes meanwhile; the client comes back on A.
    await onB2.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'three' });
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'four' });
    const resumed = followThread(t.live({ url: a!.url }), ticket.id, Number(first.got.at(-1)!.id));
    await resumed.until('four');
    await onB2.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'five' });
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'six' });
    // Everything before the last reply arrives before it: a duplicate would show up in between.
    await resumed.until('six');
    resumed.stop();
    expect(resumed.bodies()).toEqual(['three', 'four', 'five', 'six']);
    const ids = [...first.got, ...resumed.got].map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    await t.close();
    await onB2.close();
  });

  it('a session ended on node A closes its socket on node B, after telling the tab why', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('billing@acme-dental.test');
    let closed!: (code: number | undefined) => void;
    const closedWith = new Promise<number | undefined>((r) => (closed = r));
    const kinds: string[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    t.live({ url: b!.url, onClose: (cause) => closed(cause?.code) }).live.session.subscribe(undefined, {
      onData: (e) => {
        const kind = ('data' in e ? e.data : e).kind;
        kinds.push(kind);
        if (kind === 'ready') ready();
      },
    });
    await isReady;
    await settle();
    await t.client.auth.signOut.mutate();
    expect(await closedWith).toBe(4001);
    expect(kinds).toEqual(['ready', 'session.ended']);
    await t.close();
  });

  it('a node whose LISTEN connection is cut reconnects and catches up from the event table', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('primary@northwind.test');
    const ticket = await t.client.tickets.create.mutate({ subject: 'Deaf node', description: 'LISTEN cut' });
    const onB = followThread(t.live({ url: b!.url }), ticket.id, null);
    await onB.started;
    await settle();
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'before the cut' });
    await onB.until('before the cut');

    const admin = new pg.Client({ connectionString: database!.env.DATABASE_URL });
    await admin.connect();
    try {
      const listeners = async () =>
        (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and application_name = $1', [`portico-listen:${b!.child.pid}`])).rows;
      expect(await listeners()).toHaveLength(1);
      // The ticket notifiers (one per node) commit mail for new events; once they are done,
      // nothing on B commits events by itself, so nothing but the catch-up reads the table.
      await until(async () => (await admin.query(`select 1 from worker_cursors where name = 'ticket-notifier' and last_event_id >= (select max(id) from events)`)).rowCount === 1);
      // In one transaction: B's LISTEN connection is ended, and an event is committed with
      // no notification, as one committed while B was not listening would be (a copy of the
      // last reply's, as an internal note: no notifier mails it). Only B's read of the table
      // after it reconnects can bring it.
      await admin.query('begin');
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [`portico-listen:${b!.child.pid}`]);
      await admin.query(
        `insert into events (topic, kind, payload, created_at)
         select topic, kind, jsonb_set(jsonb_set(payload, '{comment,body}', '"while B was not listening"'), '{comment,internal}', 'true'), now()
         from events where topic = $1 order by id desc limit 1`,
        [`ticket:${ticket.id}`],
      );
      await admin.query('commit');
      await onB.until('while B was not listening');
      await until(async () => (await listeners()).length === 1);
      const health = await fetch(`${b!.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', db: 'ok', listen: 'ok' });
    } finally {
      await admin.end();
    }
    // Listening again: a reply on A arrives live, and nothing came twice.
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'after the cut' });
    await onB.until('after the cut');
    expect(onB.bodies()).toEqual(['before the cut', 'while B was not listening', 'after the cut']);
    onB.stop();
    await t.close();
  });
});
