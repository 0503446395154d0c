import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../../db/engine';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { followThread, settle } from '../../helpers/live-thread';
import { startNodesBehindBalancer, type TNodesBehindBalancer } from '../../helpers/nginx-balancer';
import type { TPorticoProcess } from '../../helpers/portico-process';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Three Portico processes on one PostgreSQL database behind nginx (the README's config, no
 * sticky sessions, WebSocket upgrade through the proxy): a reply posted on one node reaches
 * a client whose socket the balancer gave to another; and when a node is killed (-9) while
 * clients stream, its clients reconnect through the balancer and resume after their last
 * event, with nothing lost and nothing twice, while another node's SMTP listener takes mail.
 */

const NOT_PG = 'several nodes share a PostgreSQL database: runs in `npm run test:pg` (DATABASE_URL=postgres://…)';

let dir = '';
let cluster: TNodesBehindBalancer | null = null;
let origin = '';
const nodes: TPorticoProcess[] = [];

beforeAll(async () => {
  if (ENGINE !== 'pg') return;
  dir = mkdtempSync(join(tmpdir(), 'portico-balancer-'));
  cluster = await startNodesBehindBalancer(dir, 3);
  origin = cluster.origin;
  nodes.push(...cluster.nodes);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const node = (i: number) => () => nodes[i]!;
const [a, b, c] = [node(0), node(1), node(2)];
const hostOf = (n: TPorticoProcess) => new URL(n.url).host;

/** A contact signed in through the balancer (or on `url`). */
async function signedIn(email: string, url?: string) {
  const t = createTestClient(origin, { url: url ?? origin });
  await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  return t;
}

/** A live client through the balancer; `landed` lists where each of its sockets landed (nginx says). */
function liveThroughBalancer(t: Awaited<ReturnType<typeof signedIn>>) {
  const landed: string[] = [];
  const live = t.live({ onUpgrade: (h) => landed.push(String(h['x-portico-node'])) });
  return { live, landed };
}

const within = (ms: number, p: Promise<void>) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('three nodes behind nginx', () => {
  it('a reply posted on node A reaches a client whose socket the balancer gave to node C', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('primary@acme-dental.test');
    const onA = await signedIn('primary@acme-dental.test', a().url);
    const ticket = await t.client.tickets.create.mutate({ subject: 'Through the balancer', description: 'Do replies reach C?' });
    // No sticky sessions: open sockets until the balancer gives one to C.
    let follow: ReturnType<typeof followThread> | null = null;
    for (let i = 0; i < 6 && !follow; i++) {
      const { live, landed } = liveThroughBalancer(t);
      const f = followThread(live, ticket.id, null);
      expect(await within(5000, f.started), 'no socket opened through the balancer').toBe(true);
      if (landed[0] === hostOf(c())) follow = f;
      else f.stop();
    }
    expect(follow, 'no socket landed on node C').not.toBeNull();
    await settle();
    await onA.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'posted on A' });
    // Arrival, not speed: a shared CI machine's timing proves nothing (the delay is a benchmark's).
    expect(await within(10_000, follow!.until('posted on A')), 'the reply did not arrive').toBe(true);
    expect(follow!.bodies()).toEqual(['posted on A']);
    follow!.stop();
    await t.close();
    await onA.close();
  });

  it('node A killed while clients stream: they resume through the balancer with nothing lost or twice; node B takes mail meanwhile', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const t = await signedIn('standard@acme-dental.test');
    const poster = await signedIn('standard@acme-dental.test');
    const ticket = await t.client.tickets.create.mutate({ subject: 'Node lost', description: 'Streaming through a crash' });
    // Six sockets opened one after another: round robin gives each node two.
    const clients = Array.from({ length: 6 }, () => {
      const { live, landed } = liveThroughBalancer(t);
      return { landed, follow: followThread(live, ticket.id, null) };
    });
    for (const x of clients) expect(await within(5000, x.follow.started), 'no socket opened through the balancer').toBe(true);
    await settle();
    const onA = clients.filter((x) => x.landed[0] === hostOf(a()));
    expect(onA.length, `sockets landed on ${clients.map((x) => x.landed[0]).join(', ')}`).toBeGreaterThan(0);

    // Replies posted one after another through the balancer; one cut short by the kill may
    // or may not have committed, so what counts is the database, read at the end.
    let posting = true;
    let sent = 0;
    const stream = (async () => {
      while (posting) {
        await poster.client.tickets.reply.mutate({ ticketId: ticket.id, body: `stream ${sent}` }).catch(() => {});
        sent++;
      }
    })();
    const progressed = async (n: number) => {
      const from = sent;
      while (sent < from + n) await new Promise((r) => setTimeout(r, 20));
    };
    await progressed(5);
    await a().kill();
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: b().smtpPort, secure: false, ignoreTLS: true });
    const mail = await mailer.sendMail({ from: 'standard@acme-dental.test', to: 'support@portico.localhost', subject: 'While node A was down', text: 'Mail still arrives.' });
    expect(mail.accepted).toEqual(['support@portico.localhost']);
    await progressed(10);
    posting = false;
    await stream;
    await poster.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'last' });
    const allGotLast = Promise.all(clients.map((x) => x.follow.until('last'))).then(() => {});
    expect(await within(10_000, allGotLast), 'a client did not get the last reply').toBe(true);

    const admin = new pg.Client({ connectionString: cluster!.databaseUrl });
    await admin.connect();
    const committed = (await admin.query<{ body: string }>(`select body from ticket_comments where ticket_id = $1 and (body like 'stream %' or body = 'last') order by id`, [ticket.id])).rows.map((r) => r.body);
    await admin.end();
    expect(committed.length).toBeGreaterThan(15);
    for (const x of clients) {
      expect(x.follow.bodies()).toEqual(committed);
      const ids = x.follow.got.map((e) => Number(e.id));
      expect(new Set(ids).size).toBe(ids.length);
    }
    // A's clients came back through the balancer, on the nodes still running.
    for (const x of onA) {
      expect(x.landed.length).toBeGreaterThan(1);
      expect(x.landed.at(-1)).not.toBe(hostOf(a()));
    }
    for (const x of clients) x.follow.stop();
    await t.close();
    await poster.close();
  });
});
