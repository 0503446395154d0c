import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { like } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../db/client';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { loadSettings } from '../../../server/settings';
import { followThread, settle } from '../../helpers/live-thread';
import { spawnPortico, type TPorticoProcess } from '../../helpers/portico-process';
import { testDatabase } from '../../helpers/test-database';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * A rolling restart of one node: SIGTERM reaches the server (its own process, as `npm start`
 * runs it) while an SMTP transaction is half sent, a reply's request is half sent and a
 * client follows the ticket live. The server must stop taking new work (new SMTP connections
 * answered 421, the HTTP port closed), let both finish and commit, tell the live client to
 * reconnect, and exit 0; the client resumes on the next process (same port) with every reply
 * once, in order.
 */

const dir = mkdtempSync(join(tmpdir(), 'portico-graceful-'));
const database = await testDatabase(dir);
const env = {
  NODE_ENV: 'test',
  PORT: '0',
  SMTP_PORT: '0',
  SMTP_HOST: '127.0.0.1',
  DATABASE_PATH: join(dir, 'portico.db'),
  ...database.env,
  DATA_DIR: join(dir, 'files'),
  LOG_LEVEL: 'silent',
};
const nodes: TPorticoProcess[] = [];
const MESSAGE =
  'From: Sam <standard@acme-dental.test>\r\nTo: support@portico.localhost\r\nSubject: Sent while stopping\r\nMessage-ID: <stopping-1@acme-dental.test>\r\n\r\nFirst half of the message,\r\nand the second half.\r\n';
afterAll(async () => {
  for (const n of nodes) await n.kill();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** An SMTP client speaking line by line: `send` writes a command and resolves with the reply's code and text. */
async function smtpSession(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  let waiting: ((line: string) => void) | null = null;
  const lines: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\r\n'); i !== -1; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      // Continuation lines of a multi-line reply ("250-…") are not the reply's end.
      if (/^\d{3}-/.test(line)) continue;
      const waiter = waiting;
      waiting = null;
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  socket.on('error', () => {});
  const reply = () =>
    new Promise<string>((resolve) => {
      const queued = lines.shift();
      if (queued !== undefined) return resolve(queued);
      waiting = resolve;
      socket.once('close', () => resolve('(closed)'));
    });
  return {
    reply,
    send: (text: string) => (socket.write(text), reply()),
    write: (text: string) => void socket.write(text),
    close: () => socket.destroy(),
  };
}

/** A tRPC mutation over HTTP whose headers are sent now and body later (`Expect: 100-continue`: the server has the request once `accepted` resolves). */
function halfSentMutation(url: string, path: string, cookie: string, input: unknown) {
  const body = JSON.stringify(input);
  const req = request(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), origin: url, cookie, expect: '100-continue' },
  });
  const accepted = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.once('error', reject);
  });
  req.flushHeaders();
  return { accepted, response, finish: () => req.end(body) };
}

describe('graceful shutdown', () => {
  it('SIGTERM mid-SMTP transaction, mid-reply and with a live client: both finish, the process exits 0, the client resumes on the next one with no gap', async () => {
    const a = await spawnPortico(env);
    nodes.push(a);
    const port = new URL(a.url).port;
    const t = createTestClient(a.url);
    await t.client.auth.signInWithPassword.mutate({ email: 'standard@acme-dental.test', password: DEMO_PASSWORD });
    const ticket = await t.client.tickets.create.mutate({ subject: 'Rolling restart', description: 'Does anything get lost?' });
    const follow = followThread(t.live(), ticket.id, null);
    await follow.started;
    await settle();
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'before' });
    await follow.until('before');

    // An SMTP transaction under way: DATA started, half the message sent.
    const smtp = await smtpSession(a.smtpPort);
    expect(await smtp.reply()).toMatch(/^220 /);
    expect(await smtp.send('EHLO client.test\r\n')).toMatch(/^250 /);
    expect(await smtp.send('MAIL FROM:<standard@acme-dental.test>\r\n')).toMatch(/^250 /);
    expect(await smtp.send('RCPT TO:<support@portico.localhost>\r\n')).toMatch(/^250 /);
    expect(await smtp.send('DATA\r\n')).toMatch(/^354 /);
    smtp.write(MESSAGE.slice(0, MESSAGE.indexOf('and the second half')));

    // A reply whose request the server has, its body not yet sent.
    const reply = halfSentMutation(a.url, 'tickets.reply', t.cookie(), { ticketId: ticket.id, body: 'in flight' });
    await reply.accepted;

    a.terminate();
    // Draining: a new SMTP connection is answered 421 (and, by then, the HTTP port is closed).
    for (;;) {
      const probe = await smtpSession(a.smtpPort);
      const greeting = await probe.reply();
      probe.close();
      if (greeting.startsWith('421')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await expect(fetch(`${a.url}/healthz`)).rejects.toThrow();

    reply.finish();
    const replied = await reply.response;
    expect(replied.status).toBe(200);
    expect(await smtp.send(`${MESSAGE.slice(MESSAGE.indexOf('and the second half'))}.\r\n`)).toMatch(/^250 /);
    // Its transaction done, the session is closed with 421 (the sender's next message goes elsewhere).
    expect(await smtp.reply()).toMatch(/^421 /);
    smtp.close();
    expect(await a.exited).toBe(0);

    // The next process on the same port: the client reconnects to it and resumes.
    const b = await spawnPortico({ ...env, PORT: port });
    nodes.push(b);
    await follow.until('in flight');
    await t.client.tickets.reply.mutate({ ticketId: ticket.id, body: 'after' });
    await follow.until('after');
    const thread = await t.client.tickets.get.query({ ticketId: ticket.id });
    const committed = thread.comments.map((c) => c.body).filter((body) => ['before', 'in flight', 'after'].includes(body));
    expect(committed).toEqual(['before', 'in flight', 'after']);
    expect(follow.bodies()).toEqual(committed);
    const ids = follow.got.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);

    // The message accepted during the drain is stored once, whole (the next process indexes
    // what the last one accepted but had not yet written down: wait for it).
    const db = await openDatabase(loadSettings(env, '/nonexistent.env'));
    const storedMail = () => db.select().from(inboundMessages).where(like(inboundMessages.messageId, '%stopping-1@acme-dental.test%'));
    while ((await storedMail()).length === 0) await new Promise((r) => setTimeout(r, 50));
    const stored = await storedMail();
    await closeDatabase(db);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.size).toBe(Buffer.byteLength(MESSAGE));
    follow.stop();
    await t.close();
  }, 180_000);
});
