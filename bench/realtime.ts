// First: it sets the engine from --database before the schema is imported.
import { benchDatabase, DATABASE_SERVER } from './bench-database';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { desc, eq } from 'drizzle-orm';
import { events } from '../db/schema/events';
import { users } from '../db/schema/people';
import { DEMO_PASSWORD } from '../server/seed/demo-people';
import { actorForAccount, listAccounts } from '../server/auth/accounts';
import { startPortico } from '../server/app';
import { withActor } from '../server/core/context';
import { loadSettings } from '../server/settings';
import { addReply } from '../server/tickets/add-reply';
import { createTicket } from '../server/tickets/create-ticket';
import { ticketTopic } from '../server/tickets/topics';
import type { TBaselineCommand, TBaselineReport } from './baseline-server';
import type { TGroup, TTarget, TWorkerCommand, TWorkerReport } from './realtime-worker';
import { spawnPortico, type TPorticoProcess } from '../tests/helpers/portico-process';

/*
 * npm run bench:realtime -- --subscribers N [--workers W] [--rounds R] [--floor] [--database postgres://…] [--nodes K]
 *
 * Starts the real server on a fresh database (SQLite, or a new database on the --database
 * server: bench/bench-database.ts) and, beside it, a plain `ws` server that
 * serialises each event once (bench/baseline-server.ts); --floor adds tRPC's bare ws
 * handler with no application code. W client processes open N tRPC WebSocket subscribers
 * to one ticket thread on the portal (tickets.onThread, sharing a few sessions; served by
 * the adapter WS_ADAPTER selects, lean unless the environment says trpc) and N to
 * each other server. Rounds alternate between the servers: a reply posted through the
 * service, then the same event broadcast by the others, each once every copy of the
 * previous one arrived, so all see the same machine load. Latency is commit→receipt per
 * delivery; heap is the server's heapUsed after gc, subscribed minus before, over N.
 * --nodes K (PostgreSQL only) starts K-1 more server processes on the same database and adds
 * a group of N subscribers to a second ticket, spread evenly over all K nodes, its replies
 * posted on the first node: the event crosses to the others by NOTIFY, so its p99 against
 * the single-node group's, in the same run, is what several nodes cost.
 * The last line is the JSON summary; the lines before it give detail.
 */

const { values: arg } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    rounds: { type: 'string' },
    sessions: { type: 'string', default: '8' },
    floor: { type: 'boolean', default: false },
    database: { type: 'string' },
    nodes: { type: 'string', default: '1' },
  },
});
const K = Math.max(1, Number(arg.nodes));
if (K > 1 && !DATABASE_SERVER) throw new Error('--nodes needs --database postgres://… (several nodes share one PostgreSQL database).');
const N = Number(arg.subscribers);
const W = Math.max(1, Math.min(Number(arg.workers), N));
// Enough rounds for a stable p99 without running for minutes at 10k.
const ROUNDS = Number(arg.rounds ?? Math.max(30, Math.min(200, Math.round(200_000 / N))));
const WARMUP = 5;
const GAP_MS = 20;
const EMAIL = 'primary@acme-dental.test';
const FILLER =
  'Thanks, we restarted the print spooler on the front-desk PC and cleared the stuck jobs. ' +
  'Please try printing the day sheet again and reply here if the queue stalls.';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const gc = globalThis.gc;
if (!gc) throw new Error('Run with node --expose-gc (npm run bench:realtime does).');
const heapUsed = () => (gc(), gc(), process.memoryUsage().heapUsed);
const KB = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;
const ms = (v: number) => Math.round(v * 100) / 100;
const percentile = (sorted: Float64Array, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN);
function awaitReport<R extends { type: string }, T extends R['type']>(proc: ChildProcess, type: T): Promise<Extract<R, { type: T }>> {
  return new Promise((resolve) => {
    const on = (r: R) => {
      if (r.type !== type) return;
      proc.off('message', on);
      resolve(r as Extract<R, { type: T }>);
    };
    proc.on('message', on);
  });
}

// ---- client processes -------------------------------------------------------------------

const workers = Array.from({ length: W }, () => fork(here('./realtime-worker.ts'), { execArgv: ['--import', 'tsx'] }));
const gotWaiters = new Map<string, { left: number; done: () => void }>();
for (const w of workers) {
  w.on('message', (r: TWorkerReport) => {
    if (r.type !== 'got') return;
    const waiter = gotWaiters.get(`${r.group}:${r.seq}`);
    if (waiter && --waiter.left === 0) waiter.done();
  });
}
const tell = (w: ChildProcess, c: TWorkerCommand) => w.send(c);
const opened: Partial<Record<TGroup, number[]>> = {};

async function openGroup(group: TGroup, targets: TTarget[], cookies: string[], input: Record<string, unknown>, total: number) {
  const ready = workers.map((w) => awaitReport<TWorkerReport, 'ready'>(w, 'ready'));
  workers.forEach((w, i) => {
    const count = Math.floor(total / W) + (i < total % W ? 1 : 0);
    tell(w, { cmd: 'open', group, targets, cookies, count, path: 'tickets.onThread', input });
  });
  const reports = await Promise.all(ready);
  const failed = reports.reduce((s, r) => s + r.failed, 0);
  if (failed) throw new Error(`${group}: ${failed} of ${total} subscriptions failed to start`);
  opened[group] = reports.map((r) => r.opened);
}

/** Closes every socket; per group, the latencies from commit (stamp delays subtracted), sorted. */
async function closeAll(stampDelay: Map<string, number>) {
  const closed = workers.map((w) => awaitReport<TWorkerReport, 'closed'>(w, 'closed'));
  for (const w of workers) tell(w, { cmd: 'close' });
  const reports = await Promise.all(closed);
  const summary = (g: TGroup) => {
    const results = reports.flatMap((r) => r.results[g] ?? []);
    const delay = (seq: number) => stampDelay.get(`${g}:${seq}`) ?? 0;
    return {
      latencies: Float64Array.from(results.flatMap((r) => r.latencies.flatMap(([seq, list]) => list.map((v) => v - delay(seq))))).sort(),
      resubscribed: results.reduce((s, r) => s + r.resubscribed, 0),
      errors: [...new Set(results.flatMap((r) => r.errors))],
    };
  };
  return { portal: summary('portal'), nodes: summary('nodes'), baseline: summary('baseline'), floor: summary('floor') };
}

/** Posts one event with `post` (resolving once the server has sent it) and waits for every copy. */
async function round(group: TGroup, seq: number, post: (seq: number) => Promise<number>) {
  const busy = (opened[group] ?? []).filter((c) => c > 0).length;
  const key = `${group}:${seq}`;
  const got = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => (gotWaiters.delete(key), resolve(false)), 30_000);
    gotWaiters.set(key, { left: busy, done: () => (clearTimeout(timer), gotWaiters.delete(key), resolve(true)) });
  });
  const sendMs = await post(seq);
  const lost = !(await got);
  await sleep(GAP_MS);
  return { sendMs, lost };
}

// ---- the reference servers ---------------------------------------------------------------

type TSample = { kind: string; payload: { comment: { body: string } } };
async function startReference(mode: 'plain' | 'trpc') {
  const proc = fork(here('./baseline-server.ts'), [mode], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  const ask = (c: TBaselineCommand) => proc.send(c);
  const { port } = await awaitReport<TBaselineReport, 'listening'>(proc, 'listening');
  return {
    url: `ws://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    async heap() {
      const reading = awaitReport<TBaselineReport, 'heap'>(proc, 'heap');
      ask({ cmd: 'heap' });
      return (await reading).heapUsed;
    },
    /** Broadcasts the portal's own event (its latest reply), with this round's stamp. */
    post(sample: TSample) {
      return async (seq: number) => {
        const sent = awaitReport<TBaselineReport, 'sent'>(proc, 'sent');
        const payload = { ...sample.payload, comment: { ...sample.payload.comment, body: body(seq, 'T0') } };
        ask({ cmd: 'broadcast', seq, trackedId: String(1e6 + seq), kind: sample.kind, payload });
        return (await sent).fanoutMs;
      };
    },
    exit: () => ask({ cmd: 'exit' }),
  };
}

// ---- the portal --------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
const database = await benchDatabase(dir);
/** Every node's settings (the other --nodes processes get the same). */
const nodeEnv: Record<string, string> = {
  NODE_ENV: 'test',
  PORT: '0',
  SMTP_PORT: '0',
  SMTP_HOST: '127.0.0.1',
  ...database.env,
  DATA_DIR: join(dir, 'files'),
  LOG_LEVEL: 'silent',
  SESSION_LIMIT_DESKTOP: '50',
  // The subscribers share a few sessions: far more sockets each than a browser opens.
  WS_MAX_SOCKETS_PER_SESSION: '10000',
  // The server's own WebSocket adapter (lean by default); WS_ADAPTER=trpc measures tRPC's.
  ...(process.env.WS_ADAPTER ? { WS_ADAPTER: process.env.WS_ADAPTER } : {}),
};
const settings = loadSettings(nodeEnv, '/nonexistent.env');
const portico = await startPortico(settings);
const origin = settings.publicUrl;
const wsUrl = `${origin.replace(/^http/, 'ws')}/trpc`;

// A few real sessions (sign-in over HTTP); the sockets share their cookies.
const cookies: string[] = [];
for (let i = 0; i < Number(arg.sessions); i++) {
  const res = await fetch(`${origin}/trpc/auth.signInWithPassword`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: EMAIL, password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('session='));
  if (!res.ok || !cookie) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  cookies.push(cookie);
}
const { base } = portico;
const user = (await base.db.select().from(users).where(eq(users.email, EMAIL)))[0]!;
const svc = withActor(base, (await actorForAccount(base.db, user, (await listAccounts(base.db, user.id))[0]!))!);
const ticket = await createTicket(svc, { subject: 'Front-desk printer queue stalls', description: 'The day sheet will not print.' });
const input = { ticketId: ticket.id, lastEventId: null };
// --nodes: the spread group's own thread, so neither group's sockets load the other's rounds.
const spreadTicket = K > 1 ? await createTicket(svc, { subject: 'Reception PC cannot reach the scanner', description: 'Scans stop at 50 %.' }) : null;
const body = (seq: number, t0: number | 'T0') => `[bench ${seq} ${t0}] ${FILLER}`;

// The body's stamp precedes the transaction; the topic's first listener sees the commit.
const stampDelay = new Map<string, number>();
let posted = { key: '', t0: 0 };
const postTo = (group: TGroup, ticketId: number) => {
  base.bus.on(ticketTopic(ticketId), () => stampDelay.set(posted.key, nowMs() - posted.t0));
  return async (seq: number) => {
    const t0 = nowMs();
    posted = { key: `${group}:${seq}`, t0 };
    await addReply(svc, { ticketId, body: body(seq, t0) });
    // Every send happens in the promise jobs the commit's publish starts; setImmediate runs after them.
    await new Promise((r) => setImmediate(r));
    return nowMs() - t0;
  };
};
const postPortal = postTo('portal', ticket.id);
const latestReply = async (): Promise<TSample> => {
  const row = (await base.db.select({ kind: events.kind, payload: events.payload }).from(events).where(eq(events.topic, ticketTopic(ticket.id))).orderBy(desc(events.id)).limit(1))[0]!;
  return { kind: row.kind, payload: row.payload as TSample['payload'] };
};

// ---- run ---------------------------------------------------------------------------------

const refs = { baseline: await startReference('plain'), ...(arg.floor ? { floor: await startReference('trpc') } : {}) };
const others = Object.keys(refs) as ('baseline' | 'floor')[];
const posts: Partial<Record<TGroup, (seq: number) => Promise<number>>> = { portal: postPortal };
const here1: TTarget[] = [{ url: wsUrl, origin }];
const ref = (g: 'baseline' | 'floor'): TTarget[] => [{ url: refs[g]!.url, origin: refs[g]!.origin }];

// --nodes: the other nodes, started once the first has migrated the database.
const moreNodes: TPorticoProcess[] = await Promise.all(Array.from({ length: K - 1 }, () => spawnPortico(nodeEnv)));
const spread: TTarget[] = [...here1, ...moreNodes.map((n) => ({ url: `${n.url.replace(/^http/, 'ws')}/trpc`, origin: n.url }))];
const spreadInput = spreadTicket ? { ticketId: spreadTicket.id, lastEventId: null } : null;
if (spreadTicket) posts.nodes = postTo('nodes', spreadTicket.id);

// Warm every server's code paths so the heap readings count subscribers, not compiled code.
const warm = Math.min(N, 64 * W);
await openGroup('portal', here1, cookies, input, warm);
if (spreadInput) await openGroup('nodes', spread, cookies, spreadInput, warm);
for (const g of others) await openGroup(g, ref(g), [''], {}, warm);
for (let seq = -13; seq < -10; seq++) {
  await round('portal', seq, postPortal);
  if (posts.nodes) await round('nodes', seq, posts.nodes);
  for (const g of others) await round(g, seq, (posts[g] = refs[g]!.post(await latestReply())));
}
await closeAll(stampDelay);
await sleep(500);

const heapKb: Partial<Record<TGroup, number>> = {};
const before = heapUsed();
await openGroup('portal', here1, cookies, input, N);
await sleep(500);
heapKb.portal = KB((heapUsed() - before) / N);
if (spreadInput) await openGroup('nodes', spread, cookies, spreadInput, N);
for (const g of others) {
  const b = await refs[g]!.heap();
  await openGroup(g, ref(g), [''], {}, N);
  await sleep(500);
  heapKb[g] = KB(((await refs[g]!.heap()) - b) / N);
}

const groups: TGroup[] = ['portal', ...(posts.nodes ? (['nodes'] as const) : []), ...others];
const sendMs: Partial<Record<TGroup, number[]>> = {};
const lost: Partial<Record<TGroup, number>> = {};
for (let seq = -WARMUP; seq < ROUNDS; seq++) {
  // Rotate which server goes first so none always follows another's garbage.
  for (let i = 0; i < groups.length; i++) {
    const g = groups[(i + seq + WARMUP) % groups.length]!;
    const r = await round(g, seq, posts[g]!);
    if (seq >= 0) (sendMs[g] ??= []).push(r.sendMs);
    if (r.lost) lost[g] = (lost[g] ?? 0) + 1;
  }
}
const results = await closeAll(stampDelay);

console.log(`${N} subscribers on each server, ${W} client processes, ${ROUNDS} rounds (+${WARMUP} warm-up), alternating; portal WS_ADAPTER=${settings.WS_ADAPTER}, database ${database.label}`);
if (K > 1) console.log(`nodes: the same N subscribers spread over ${K} nodes, replies posted on the first`);
const names: Record<TGroup, string> = { portal: 'portico ', nodes: `portico x${K}`, baseline: 'baseline', floor: 'trpc-floor' };
for (const g of groups) {
  const r = results[g];
  const send = Float64Array.from(sendMs[g] ?? []).sort();
  console.log(
    `${names[g]}: deliveries=${r.latencies.length} p50=${ms(percentile(r.latencies, 0.5))}ms p90=${ms(percentile(r.latencies, 0.9))}ms ` +
      `p99=${ms(percentile(r.latencies, 0.99))}ms max=${ms(r.latencies[r.latencies.length - 1] ?? NaN)}ms; ` +
      `server send time per event p50=${ms(percentile(send, 0.5))}ms p99=${ms(percentile(send, 0.99))}ms; ` +
      `heap/subscriber=${heapKb[g] ?? '-'}KB; resubscribed=${r.resubscribed} rounds-timed-out=${lost[g] ?? 0}` +
      (r.errors.length ? ` errors=${JSON.stringify(r.errors)}` : ''),
  );
}

for (const n of moreNodes) await n.kill();
await portico.stop();
await database.drop();
rmSync(dir, { recursive: true, force: true });
for (const g of others) refs[g]!.exit();
for (const w of workers) tell(w, { cmd: 'exit' });

const p99 = percentile(results.portal.latencies, 0.99);
const baseP99 = percentile(results.baseline.latencies, 0.99);
console.log(
  JSON.stringify({
    subscribers: N,
    p50_ms: ms(percentile(results.portal.latencies, 0.5)),
    p99_ms: ms(p99),
    heap_kb_per_subscriber: heapKb.portal,
    baseline_p99_ms: ms(baseP99),
    ratio_p99: Math.round((p99 / baseP99) * 100) / 100,
    ...(K > 1
      ? {
          nodes: K,
          nodes_p99_ms: ms(percentile(results.nodes.latencies, 0.99)),
          nodes_ratio_p99: Math.round((percentile(results.nodes.latencies, 0.99) / p99) * 100) / 100,
        }
      : {}),
  }),
);
