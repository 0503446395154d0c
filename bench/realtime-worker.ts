import WebSocket from 'ws';

/*
 * One client process of the real-time benchmark (forked by bench/realtime.ts). It opens
 * many WebSockets and speaks tRPC's JSON-RPC exactly as @trpc/client's wsLink does: a
 * batch `[{ id, method: 'subscription', params: { input, path, lastEventId } }]`, "PONG"
 * for the server's "PING", and resubscribing after an error with the last tracked id.
 * The same code serves every server under test, so all pay the same client-side cost.
 * Latency is receipt time minus the stamp in the reply body; both come from
 * process.hrtime (CLOCK_MONOTONIC, shared by every process on the machine).
 */

export type TGroup = 'portal' | 'nodes' | 'baseline' | 'floor';
/** A server to open sockets to; a group's sockets go round-robin over its targets. */
export type TTarget = { url: string; origin: string };
export type TWorkerCommand =
  | { cmd: 'open'; group: TGroup; targets: TTarget[]; cookies: string[]; count: number; path: string; input: Record<string, unknown> }
  | { cmd: 'close' }
  | { cmd: 'exit' };

export type TGroupResult = { latencies: [seq: number, ms: number[]][]; resubscribed: number; errors: string[] };
export type TWorkerReport =
  | { type: 'ready'; group: TGroup; opened: number; failed: number }
  | { type: 'got'; group: TGroup; seq: number }
  | { type: 'closed'; results: Partial<Record<TGroup, TGroupResult>> };

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
/** The body carries `[bench <seq> <stamp ms>]`; warm-up rounds use a negative seq. */
const STAMP = /\[bench (-?\d+) ([\d.]+)\]/;
const OPEN_CONCURRENCY = 64;

const send = (r: TWorkerReport) => process.send!(r);

type TMessage = { result?: { type: string; id?: string; data?: { data: { payload: { comment: { body: string } } } } }; error?: { message: string } };

/** One set of sockets to one server; the servers' sets stay open side by side. */
class Group {
  sockets: WebSocket[] = [];
  /** Receipt minus the body's stamp, per round. */
  readonly latencies = new Map<number, number[]>();
  readonly perSeq = new Map<number, number>();
  resubscribed = 0;
  errors: string[] = [];
  constructor(readonly name: TGroup) {}

  onData(body: string, at: number) {
    const m = STAMP.exec(body);
    if (!m) return;
    const seq = Number(m[1]);
    if (seq >= 0) {
      const list = this.latencies.get(seq);
      if (list) list.push(at - Number(m[2]));
      else this.latencies.set(seq, [at - Number(m[2])]);
    }
    const n = (this.perSeq.get(seq) ?? 0) + 1;
    this.perSeq.set(seq, n);
    if (n === this.sockets.length) send({ type: 'got', group: this.name, seq });
  }

  error(message: string) {
    if (this.errors.length < 5) this.errors.push(message);
  }
}
const groups = new Map<TGroup, Group>();

function subscribeMessage(id: number, path: string, input: Record<string, unknown>, lastEventId?: string) {
  return JSON.stringify([{ id, method: 'subscription', params: { input, path, lastEventId } }]);
}

function openOne(g: Group, c: Extract<TWorkerCommand, { cmd: 'open' }>, cookie: string, target: TTarget): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(target.url, { headers: { origin: target.origin, cookie }, perMessageDeflate: false });
    let reqId = 1;
    let lastId: string | undefined;
    let started = false;
    ws.on('message', (raw: Buffer, isBinary) => {
      const text = raw.toString();
      if (!isBinary && text === 'PING') return ws.send('PONG');
      if (text === 'PONG') return;
      const msg = JSON.parse(text) as TMessage;
      const r = msg.result;
      if (r?.type === 'data') {
        const at = nowMs();
        if (r.id) lastId = r.id;
        g.onData(r.data!.data.payload.comment.body, at);
      } else if (r?.type === 'started' && !started) {
        started = true;
        resolve(ws);
      } else if (msg.error) {
        // A subscriber cut off for falling behind resumes from its last id, as the app does.
        g.error(msg.error.message);
        if (!started) return resolve(null);
        g.resubscribed++;
        ws.send(subscribeMessage(++reqId, c.path, c.input, lastId));
      }
    });
    ws.on('open', () => ws.send(subscribeMessage(reqId, c.path, c.input)));
    ws.on('error', (err) => {
      g.error(err.message);
      if (!started) resolve(null);
    });
    // A server that refuses the socket by closing it (e.g. too many for one session) fails it, not the run.
    ws.on('close', (code, reason) => {
      if (started) return;
      g.error(`closed ${code} ${reason.toString()}`);
      resolve(null);
    });
  });
}

async function open(c: Extract<TWorkerCommand, { cmd: 'open' }>) {
  const g = new Group(c.group);
  groups.set(c.group, g);
  let next = 0;
  let failed = 0;
  const opened: WebSocket[] = [];
  const lane = async () => {
    while (next < c.count) {
      const i = next++;
      const ws = await openOne(g, c, c.cookies[i % c.cookies.length]!, c.targets[i % c.targets.length]!);
      if (ws) opened.push(ws);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, lane));
  g.sockets = opened;
  send({ type: 'ready', group: c.group, opened: opened.length, failed });
}

const closeSocket = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
    setTimeout(() => (ws.terminate(), resolve()), 5000).unref();
  });

async function close() {
  await Promise.all([...groups.values()].flatMap((g) => g.sockets.map(closeSocket)));
  const results: Partial<Record<TGroup, TGroupResult>> = {};
  for (const g of groups.values()) results[g.name] = { latencies: [...g.latencies], resubscribed: g.resubscribed, errors: g.errors };
  groups.clear();
  send({ type: 'closed', results });
}

process.on('message', (c: TWorkerCommand) => {
  if (c.cmd === 'open') void open(c);
  else if (c.cmd === 'close') void close();
  else process.exit(0);
});

// Ends with the bench that forked it, however that ended (its IPC channel closes).
process.on('disconnect', () => process.exit(0));
