// Temporary probe (not committed): heap snapshot before/after N subscribers, aggregated by constructor.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../db/seed';
import { actorForAccount, listAccounts } from '../server/auth/accounts';
import { startPortico } from '../server/app';
import { withActor } from '../server/core/context';
import { loadSettings } from '../server/settings';
import { createTicket } from '../server/tickets/create-ticket';
import { users } from '../db/schema/people';
import { eq } from 'drizzle-orm';

const N = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'portico-probe-'));
const settings = loadSettings({ NODE_ENV: 'test', PORT: '0', SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'p.db'), DATA_DIR: join(dir, 'f'), LOG_LEVEL: 'silent', SESSION_LIMIT_DESKTOP: '50' }, '/nonexistent.env');
const portico = await startPortico(settings);
const origin = settings.publicUrl;
const cookies: string[] = [];
for (let i = 0; i < 8; i++) {
  const res = await fetch(`${origin}/trpc/auth.signInWithPassword`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ email: 'primary@acme-dental.test', password: DEMO_PASSWORD }) });
  cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('session='))!);
}
const { base } = portico;
const user = base.db.select().from(users).where(eq(users.email, 'primary@acme-dental.test')).get()!;
const svc = withActor(base, actorForAccount(base.db, user, listAccounts(base.db, user.id)[0]!)!);
const ticket = createTicket(svc, { subject: 'x', description: 'y' });
const w = fork(fileURLToPath(new URL('./realtime-worker.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
let plainUrl = '';
if (process.argv[3] === 'plain') {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => { ws.on('message', (raw: Buffer) => { const t = raw.toString(); if (t === 'PONG') return; const [req] = JSON.parse(t) as [{ id: number }]; ws.send(JSON.stringify({ id: req.id, result: { type: 'started' } })); }); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  plainUrl = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
}
const open = (count: number) => new Promise<void>((resolve) => { w.once('message', () => resolve()); w.send({ cmd: 'open', group: 'portal', url: plainUrl || `${origin.replace(/^http/, 'ws')}/trpc`, origin, cookies, count, path: 'tickets.onThread', input: { ticketId: ticket.id, lastEventId: null } }); });
await open(64);
const gc = globalThis.gc!;
const snap = (name: string) => { gc(); gc(); const f = writeHeapSnapshot(join('/tmp/heapprobe', name)); return f; };
const before = process.memoryUsage().heapUsed;
const a = snap('a.heapsnapshot');
await open(N);
await new Promise((r) => setTimeout(r, 500));
gc(); gc();
console.log('heapUsed delta per sub', ((process.memoryUsage().heapUsed - before) / N / 1024).toFixed(2), 'KB');
const b = snap('b.heapsnapshot');
function agg(file: string) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const f = s.snapshot.meta.node_fields as string[]; const types = s.snapshot.meta.node_types[0] as string[];
  const nf = f.length; const ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size');
  const m = new Map<string, [number, number]>();
  for (let i = 0; i < s.nodes.length; i += nf) {
    const t = types[s.nodes[i + ti]]; let name = s.strings[s.nodes[i + ni]] as string;
    if (t === 'string' || t === 'concatenated string' || t === 'sliced string') name = '(string)';
    if (t === 'code' || t === 'hidden') name = name.slice(0, 40);
    const k = `${t}:${name.slice(0, 60)}`; const e = m.get(k) ?? [0, 0]; e[0]++; e[1] += s.nodes[i + si]; m.set(k, e);
  }
  return m;
}
function detail(fileA: string, fileB: string) {
  const ids = new Set<number>();
  { const s = JSON.parse(readFileSync(fileA, 'utf8')); const nf = s.snapshot.meta.node_fields.length; const ii = s.snapshot.meta.node_fields.indexOf('id'); for (let i = 0; i < s.nodes.length; i += nf) ids.add(s.nodes[i + ii]); }
  const s = JSON.parse(readFileSync(fileB, 'utf8'));
  const f = s.snapshot.meta.node_fields as string[]; const types = s.snapshot.meta.node_types[0] as string[];
  const ef = s.snapshot.meta.edge_fields as string[]; const etypes = s.snapshot.meta.edge_types[0] as string[];
  const nf = f.length, enf = ef.length; const ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size'), ii = f.indexOf('id'), eci = f.indexOf('edge_count');
  const eti = ef.indexOf('type'), eni = ef.indexOf('name_or_index'), eto = ef.indexOf('to_node');
  const m = new Map<string, [number, number]>();
  let e = 0;
  for (let i = 0; i < s.nodes.length; i += nf) {
    const ec = s.nodes[i + eci];
    const t = types[s.nodes[i + ti]]; const name = s.strings[s.nodes[i + ni]];
    if (!ids.has(s.nodes[i + ii]) && (t === 'object' || t === 'closure' || t === 'string')) {
      let sig = '';
      if (t === 'object' && (name === 'Object' || name === 'Array')) { const props: string[] = []; for (let k = 0; k < ec; k++) { const et = etypes[s.edges[(e + k) * enf + eti]]; if (et === 'property') props.push(s.strings[s.edges[(e + k) * enf + eni]]); } sig = props.slice(0, 12).join(','); }
      if (t === 'string') sig = String(name).slice(0, 30);
      if (t === 'object') { for (let k = 0; k < ec; k++) { const en = s.strings[s.edges[(e + k) * enf + eni]]; const to = s.edges[(e + k) * enf + eto]; if (etypes[s.edges[(e + k) * enf + eti]] === 'internal' && en === 'properties') { const tn = s.strings[s.nodes[to + ni]]; sig += ` props=${s.nodes[to + si]}:${tn}`; } } }
      if (t === 'closure') { for (let k = 0; k < ec; k++) { const en = s.strings[s.edges[(e + k) * enf + eni]]; const to = s.edges[(e + k) * enf + eto]; if (en === 'shared') sig += ' ' + String(s.strings[s.nodes[to + ni]]).slice(0, 40); if (en === 'context') { /* context vars */ const cec = 0; void cec; } } }
      const key = `${t}:${name.slice(0,40)} {${sig}}`; const x = m.get(key) ?? [0, 0]; x[0]++; x[1] += s.nodes[i + si]; m.set(key, x);
    }
    e += ec;
  }
  // Who holds new property stores and arrays?
  { const holders = new Map<string, [number, number]>(); let e2 = 0;
    for (let i = 0; i < s.nodes.length; i += nf) { const ec = s.nodes[i + eci]; const pname = s.strings[s.nodes[i + ni]]; const ptype = types[s.nodes[i + ti]];
      for (let k = 0; k < ec; k++) { const to = s.edges[(e2 + k) * enf + eto]; const tt = types[s.nodes[to + ti]]; const tn = s.strings[s.nodes[to + ni]];
        if (!ids.has(s.nodes[to + ii]) && ((tt === 'array' && (tn === '(object properties)' || tn === '(object elements)' || tn === '')) || (tt === 'object' && tn === 'Array') || tt === 'closure')) { const en = s.edges[(e2 + k) * enf + eni]; const key = `${tt}:${tn} <- ${ptype}:${String(pname).slice(0, 30)}.${typeof en === 'number' ? s.strings[en] ?? en : en}`; const x = holders.get(key) ?? [0, 0]; x[0]++; x[1] += s.nodes[to + si]; holders.set(key, x); } }
      e2 += ec; }
    { let e3 = 0; let shown = 0; const seen = new Map<string, number>();
      for (let i = 0; i < s.nodes.length; i += nf) { const ec = s.nodes[i + eci];
        if (types[s.nodes[i + ti]] === 'closure' && !ids.has(s.nodes[i + ii])) { let hasProps = false; const parts: string[] = [];
          for (let k = 0; k < ec; k++) { const en = s.edges[(e3 + k) * enf + eni]; const et = etypes[s.edges[(e3 + k) * enf + eti]]; const to = s.edges[(e3 + k) * enf + eto]; const nm = typeof en === 'number' && et !== 'element' && et !== 'hidden' ? s.strings[en] : en; if (nm === 'properties' && s.nodes[to + si] > 100) hasProps = true; parts.push(`${et}:${nm}->${String(s.strings[s.nodes[to + ni]]).slice(0, 50)}`); }
          if (hasProps) { const key = parts.join(' | ').slice(0, 600); seen.set(key, (seen.get(key) ?? 0) + 1); } }
        e3 += ec; }
      for (const [k, c] of seen) if (c > 100 && shown++ < 4) console.log('C', c, k); }
    const hr = [...holders].map(([k, [c, sz]]) => [k, c / N, sz / N] as const).filter((r) => r[1] > 0.3).sort((x, y) => y[2] - x[2]);
    for (const r of hr.slice(0, 30)) console.log('H', r[2].toFixed(0).padStart(6), 'B', r[1].toFixed(2).padStart(6), 'x', r[0]); }
  const rows = [...m].map(([k, [c, sz]]) => [k, c / N, sz / N] as const).filter((r) => r[1] > 0.5).sort((x, y) => y[2] - x[2]);
  for (const r of rows.slice(0, 40)) console.log(r[2].toFixed(0).padStart(6), 'B', r[1].toFixed(2).padStart(6), 'x', r[0]);
}
detail(a, b);
const ma = agg(a), mb = agg(b);
const rows = [...mb].map(([k, [c, sz]]) => { const [c0, s0] = ma.get(k) ?? [0, 0]; return [k, (c - c0) / N, (sz - s0) / N] as const; }).filter((r) => Math.abs(r[2]) > 8).sort((x, y) => y[2] - x[2]);
let total = 0; for (const r of rows) total += r[2];
for (const r of rows.slice(0, 45)) console.log(r[2].toFixed(0).padStart(6), 'B', r[1].toFixed(2).padStart(6), 'x', r[0]);
console.log('total', total.toFixed(0));
w.send({ cmd: 'exit' });
await portico.stop();
process.exit(0);
