// First: it sets the engine from --database before the schema is imported.
import { benchDatabase, DATABASE_SERVER } from './bench-database';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { companies, users } from '../db/schema/people';
import { DEMO_PASSWORD } from '../server/seed/demo-people';
import { actorForAccount, listAccounts } from '../server/auth/accounts';
import { startPortico } from '../server/app';
import { withActor } from '../server/core/context';
import { issueReplyToken, replyAddress } from '../server/notifications/reply-tokens';
import { createContact } from '../server/people/create-contact';
import { createTicket } from '../server/tickets/create-ticket';
import { loadSettings } from '../server/settings';
import type { TMailJob, TMailWorkerReport } from './mail-worker';
import { mapInOrder } from '../server/core/in-order';
import { spawnPortico, type TPorticoProcess } from '../tests/helpers/portico-process';

/*
 * npm run bench:mail -- --messages N [--connections C] [--senders S] [--dns system] [--database postgres://…] [--nodes K]
 *
 * Starts the real server on a fresh database (SQLite, or a new database on the --database
 * server: bench/bench-database.ts), gives S contacts of one company a ticket each,
 * and has a client process subscribe to all those threads over one tRPC WebSocket (as the
 * company's Primary contact) and send N replies over C SMTP connections, each reply to its
 * sender's ticket reply address: a Gmail-style multipart message (text and HTML) with the
 * quoted notification below the answer. Senders stay under the per-sender rate limit.
 * Reports accepted/s (SMTP 250s), processed/s (comments delivered to the subscriber), the
 * latency from the end of DATA to the comment reaching the subscriber, and the CPU time per
 * message of the server (in all, and of its main thread) and of the client. The last line
 * is the JSON summary. Sender authentication runs without DNS (as in tests) unless `--dns`
 * says otherwise (`system`: the checks run in full; the demo domains are reserved names,
 * answered on this machine without a query).
 * --nodes K (PostgreSQL only) starts K-1 more server processes on the same database and files
 * folder and, after the run above on the first node alone, sends N more replies with the
 * connections spread over all K nodes (the subscriber stays on the first node, so replies
 * taken in elsewhere reach it by NOTIFY): throughput of K nodes against one, in the same run.
 */

const { values: arg } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, connections: { type: 'string', default: '8' }, senders: { type: 'string' }, dns: { type: 'string' }, database: { type: 'string' }, nodes: { type: 'string', default: '1' } },
});
const N = Number(arg.messages);
const C = Math.max(1, Number(arg.connections));
const PRIMARY = 'primary@acme-dental.test';
const K = Math.max(1, Number(arg.nodes));
if (K > 1 && !DATABASE_SERVER) throw new Error('--nodes needs --database postgres://… (several nodes share one PostgreSQL database).');
const PHASES = K > 1 ? 2 : 1;

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-mail-'));
const database = await benchDatabase(dir);
const settings = loadSettings(
  {
    NODE_ENV: 'test',
    PORT: '0',
    SMTP_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    ...database.env,
    DATA_DIR: join(dir, 'files'),
    LOG_LEVEL: 'silent',
    ...(arg.dns ? { MAIL_DNS: arg.dns } : {}),
    // The client follows every sender's ticket over one socket.
    WS_MAX_SUBSCRIPTIONS: '100000',
  },
  '/nonexistent.env',
);
// Each sender stays under the rate limit (per 10 minutes), as real people do.
const S = Number(arg.senders ?? Math.max(10, Math.ceil((PHASES * N) / Math.max(1, settings.MAIL_RATE_PER_SENDER - 5))));
const portico = await startPortico(settings);
const { base } = portico;
const origin = settings.publicUrl;

// ---- data: S contacts with a ticket and a reply address each --------------------------------

const admin = (await base.db.select().from(users).where(eq(users.email, 'admin@demo-msp.test')))[0]!;
const asAdmin = withActor(base, (await actorForAccount(base.db, admin, (await listAccounts(base.db, admin.id))[0]!))!);
const acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!;
const senders = await mapInOrder(Array.from({ length: S }, (_, i) => i), async (i) => {
  const email = `bench.sender${i}@acme-dental.test`;
  const contact = await createContact(asAdmin, { companyId: acme.id, name: `Bench Sender ${i}`, email, types: ['standard'] });
  const user = (await base.db.select().from(users).where(eq(users.id, contact.userId!)))[0]!;
  const ticket = await createTicket(withActor(base, (await actorForAccount(base.db, user, { kind: 'contact', id: contact.id }))!), {
    subject: `Workstation ${i} cannot reach the file server`,
    description: 'Mapped drive S: times out since the switch was replaced.',
  });
  const token = await base.db.transaction(async (tx) => await issueReplyToken(tx, base.clock.now(), { ticketId: ticket.id, userId: user.id, email }));
  return { email, ticket, to: replyAddress(token, settings.MAIL_DOMAIN) };
});
await portico.notifier.drain();
// As on a running server (app.ts starts it outside tests): the parsing thread is up before the first message.
if (!(await portico.intake.warmUp())) console.log('the parsing thread could not start; parsing on the main thread');

function message(seq: number): TMailJob['messages'][number] {
  const s = senders[seq % S]!;
  const marker = `bench-${seq}-${Math.random().toString(36).slice(2, 8)}`;
  const text = [
    `Thanks, the drive maps again after the restart (${marker}). I will keep an eye on it today.`,
    '',
    `On Mon, 2 Nov 2026 at 10:00, Demo MSP <support@${settings.MAIL_DOMAIN}> wrote:`,
    '> ##- Please type your reply above this line -##',
    '>',
    '> Taylor Tech replied to your ticket.',
    '> Please restart the workstation and try the S: drive again.',
  ].join('\n');
  const html = `<div dir="ltr">Thanks, the drive maps again after the restart (${marker}). I will keep an eye on it today.</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, 2 Nov 2026 at 10:00, Demo MSP &lt;support@${settings.MAIL_DOMAIN}&gt; wrote:<br></div><blockquote class="gmail_quote"><p>##- Please type your reply above this line -##</p><p>Taylor Tech replied to your ticket.</p><p>Please restart the workstation and try the S: drive again.</p></blockquote></div>`;
  const raw = [
    `From: Bench Sender <${s.email}>`,
    `To: ${s.to}`,
    `Subject: Re: [#${s.ticket.number}] ${s.ticket.subject}`,
    `Message-ID: <${marker}@mail.acme-dental.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b0"',
    '',
    '--b0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    text,
    '--b0',
    'Content-Type: text/html; charset=UTF-8',
    '',
    html,
    '--b0--',
    '',
  ].join('\r\n');
  return { from: s.email, to: s.to, raw, marker };
}

const signIn = await fetch(`${origin}/trpc/auth.signInWithPassword`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin },
  body: JSON.stringify({ email: PRIMARY, password: DEMO_PASSWORD }),
});
const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('session='));
if (!signIn.ok || !cookie) throw new Error(`sign-in failed: ${signIn.status}`);

// ---- run --------------------------------------------------------------------------------------

/** CPU time of this process's main thread in ms (Linux: utime + stime at 100 ticks/s), else null. */
function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** One client process sends messages [from, from + N) over C connections spread over `smtpPorts`. */
async function runPhase(smtpPorts: number[], from: number, label: string) {
  const worker = fork(fileURLToPath(new URL('./mail-worker.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  const job: TMailJob = {
    smtpPorts,
    wsUrl: `${origin.replace(/^http/, 'ws')}/trpc`,
    origin,
    cookie: cookie!,
    ticketIds: senders.map((s) => s.ticket.id),
    connections: C,
    messages: Array.from({ length: N }, (_, i) => message(from + i)),
  };
  // The server's CPU time while the replies come in (this process is the first node, the client
  // is the fork): steadier than messages/s on a shared machine. The main thread runs nearly all
  // of the server; the rest (the mail parsing thread, libuv's file work, V8's helpers) may use
  // the other core. With several nodes it counts the first node only.
  let cpuBefore = process.cpuUsage();
  let mainBefore = mainThreadCpuMs();
  const done = new Promise<Extract<TMailWorkerReport, { type: 'done' }>>((resolve, reject) => {
    worker.on('message', (r: TMailWorkerReport) => {
      if (r.type === 'subscribed') {
        cpuBefore = process.cpuUsage();
        mainBefore = mainThreadCpuMs();
        console.log(`${label}: ${S} senders, ${S} tickets subscribed; sending ${N} replies over ${C} SMTP connections to ${smtpPorts.length} node(s); database ${database.label}`);
      }
      if (r.type === 'done') resolve(r);
    });
    worker.on('exit', (code) => code && reject(new Error(`bench worker exited with ${code}`)));
  });
  worker.send(job);
  const r = await done;
  await portico.intake.idle();
  await portico.notifier.drain();
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuMs();
  const perMessage = (ms: number) => Math.round((ms / N) * 100) / 100;
  const cpuMsPerMessage = perMessage((cpu.user + cpu.system) / 1000);
  const mainMsPerMessage = mainAfter !== null && mainBefore !== null ? perMessage(mainAfter - mainBefore) : null;

  const sorted = Float64Array.from(r.latencies).sort();
  const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10 : null);
  const perSecond = (count: number, ms: number) => Math.round((count / (ms / 1000)) * 10) / 10;
  console.log(`accepted ${r.accepted}/${N}; comments delivered ${r.latencies.length}; missing ${r.missing}${r.refused.length ? `; refused e.g. ${r.refused.join(' | ')}` : ''}`);
  console.log(`latency end of DATA -> subscriber: p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);
  console.log(
    `CPU per message: server ${cpuMsPerMessage} ms (main thread ${mainMsPerMessage ?? '?'} ms; user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms in all), client ${perMessage(r.cpuMs)} ms`,
  );
  return {
    ok: !r.missing && r.accepted >= N,
    accepted_per_s: perSecond(r.accepted, r.lastAcceptedAt - r.sentAt),
    processed_per_s: perSecond(r.latencies.length, r.lastReceivedAt - r.sentAt),
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
    server_cpu_ms_per_message: cpuMsPerMessage,
    server_main_thread_cpu_ms_per_message: mainMsPerMessage,
  };
}

const nodeEnv = { NODE_ENV: 'test', PORT: '0', SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', ...database.env, DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent', ...(arg.dns ? { MAIL_DNS: arg.dns } : {}) };
const moreNodes: TPorticoProcess[] = await Promise.all(Array.from({ length: K - 1 }, () => spawnPortico(nodeEnv)));
let one: Awaited<ReturnType<typeof runPhase>>;
let several: Awaited<ReturnType<typeof runPhase>> | null = null;
try {
  one = await runPhase([portico.smtpPort], 0, 'one node');
  if (K > 1) several = await runPhase([portico.smtpPort, ...moreNodes.map((n) => n.smtpPort)], N, `${K} nodes`);
} finally {
  for (const n of moreNodes) await n.kill();
  await portico.stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
const { ok, ...summary } = one;
console.log(
  JSON.stringify({
    messages: N,
    ...summary,
    ...(several
      ? {
          nodes: K,
          nodes_accepted_per_s: several.accepted_per_s,
          nodes_processed_per_s: several.processed_per_s,
          nodes_p99_ms: several.p99_ms,
          nodes_ratio: Math.round((several.processed_per_s / one.processed_per_s) * 100) / 100,
        }
      : {}),
  }),
);
process.exit(ok && (several?.ok ?? true) ? 0 : 1);
