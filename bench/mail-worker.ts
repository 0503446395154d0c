import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

/*
 * The client side of the mail benchmark (forked by bench/mail.ts): one tRPC WebSocket
 * subscribed to the thread of every target ticket (JSON-RPC as @trpc/client's wsLink
 * speaks it), and plain SMTP connections that each send their share of replies one after
 * another. Latency is from writing the end of DATA ("\r\n.\r\n") to the comment holding
 * the message's marker arriving on the socket; both times come from this process's clock.
 */

export interface TMailJob {
  /** Lane i sends to smtpPorts[i % length]: one node, or several sharing the work. */
  smtpPorts: number[];
  wsUrl: string;
  origin: string;
  cookie: string;
  ticketIds: number[];
  connections: number;
  messages: { from: string; to: string; raw: string; marker: string }[];
}

export type TMailWorkerReport =
  | { type: 'subscribed' }
  | {
      type: 'done';
      sentAt: number;
      lastAcceptedAt: number;
      lastReceivedAt: number;
      accepted: number;
      refused: string[];
      latencies: number[];
      missing: number;
      /** This process's CPU time over the run, in ms. */
      cpuMs: number;
    };

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const report = (r: TMailWorkerReport) => process.send!(r);

/** One SMTP connection: a reply at a time, each answered before the next (no pipelining). */
class SmtpLane {
  private buf = '';
  private waiting: ((reply: string) => void) | null = null;
  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.buf += d.toString('latin1');
      if (!/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(this.buf)) return;
      const reply = this.buf;
      this.buf = '';
      const w = this.waiting;
      this.waiting = null;
      w?.(reply);
    });
  }
  static open(port: number): Promise<SmtpLane> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      const lane = new SmtpLane(s);
      s.once('error', reject);
      lane.waiting = () => resolve(lane); // the greeting
    });
  }
  command(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(`${line}\r\n`);
    });
  }
  /** Writes the message and the final dot: when the dot went out, and the reply to come. */
  data(raw: string): { endOfData: number; reply: Promise<string> } {
    const reply = new Promise<string>((resolve) => (this.waiting = resolve));
    this.socket.write(`${raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.\r\n`);
    return { endOfData: nowMs(), reply };
  }
  close() {
    this.socket.end('QUIT\r\n');
  }
}

async function run(job: TMailJob) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const refused: string[] = [];
  let accepted = 0;
  let lastAcceptedAt = 0;
  let lastReceivedAt = 0;
  let allIn: () => void = () => {};
  const everything = new Promise<void>((r) => (allIn = r));
  const wanted = new Set(job.messages.map((m) => m.marker));

  const ws = new WebSocket(job.wsUrl, { headers: { origin: job.origin, cookie: job.cookie }, perMessageDeflate: false });
  let started = 0;
  const subscribed = new Promise<void>((resolve, reject) => {
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      if (text === 'PING') return ws.send('PONG');
      if (text.includes('"started"') && ++started === job.ticketIds.length) resolve();
      // A subscription refused (a limit, a permission) would leave the run waiting for ever.
      if (started < job.ticketIds.length && text.includes('"error"')) reject(new Error(`subscription refused: ${text.slice(0, 300)}`));
      if (!text.includes('comment.added')) return;
      const at = nowMs();
      for (const m of text.matchAll(/bench-\d+-[a-z0-9]+/g)) {
        const t0 = sentAt.get(m[0]);
        if (t0 === undefined || !wanted.delete(m[0])) continue;
        latencies.push(at - t0);
        lastReceivedAt = at;
        if (!wanted.size) allIn();
      }
    });
    ws.on('error', reject);
    ws.on('open', () =>
      ws.send(JSON.stringify(job.ticketIds.map((ticketId, i) => ({ id: i + 1, method: 'subscription', params: { path: 'tickets.onThread', input: { ticketId } } })))),
    );
  });
  await subscribed;
  report({ type: 'subscribed' });

  const start = nowMs();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const lane = async (i: number) => {
    const smtp = await SmtpLane.open(job.smtpPorts[i % job.smtpPorts.length]!);
    await smtp.command('EHLO bench.test');
    while (next < job.messages.length) {
      const m = job.messages[next++]!;
      const steps = [await smtp.command(`MAIL FROM:<${m.from}>`), await smtp.command(`RCPT TO:<${m.to}>`), await smtp.command('DATA')];
      const bad = steps.find((r, i) => !r.startsWith(i === 2 ? '354' : '250'));
      if (bad) {
        refused.push(bad.trim());
        wanted.delete(m.marker);
        if (bad.startsWith('354')) await smtp.data(m.raw).reply;
        else await smtp.command('RSET');
        continue;
      }
      const sent = smtp.data(m.raw);
      sentAt.set(m.marker, sent.endOfData);
      const reply = await sent.reply;
      if (reply.startsWith('250')) {
        accepted++;
        lastAcceptedAt = nowMs();
      } else {
        refused.push(reply.trim());
        wanted.delete(m.marker);
      }
    }
    smtp.close();
  };
  await Promise.all(Array.from({ length: job.connections }, (_, i) => lane(i)));
  if (!wanted.size) allIn();
  await Promise.race([everything, new Promise((r) => setTimeout(r, 60_000))]);
  ws.close();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  report({ type: 'done', sentAt: start, lastAcceptedAt, lastReceivedAt, accepted, refused: refused.slice(0, 5), latencies, missing: wanted.size, cpuMs });
}

process.on('message', (job: TMailJob) => {
  run(job).then(
    () => setTimeout(() => process.exit(0), 100),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});

// Ends with the bench that forked it, however that ended (its IPC channel closes).
process.on('disconnect', () => process.exit(0));
