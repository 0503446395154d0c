import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpListener, type TTlsMode } from '../../../mail/smtp-listener';
import { AppError } from '../../../server/core/app-error';
import { createLogger } from '../../../server/core/logger';
import type { TMailIntakePort } from '../../../server/mail-intake/intake-worker';
import type { TReceivedMessage } from '../../../server/mail-intake/store-inbound';
import { loadSettings, SettingsError } from '../../../server/settings';

/*
 * The SMTP adapter alone, with a stand-in for intake: what it answers, and that it
 * survives clients that misbehave.
 */

const dir = mkdtempSync(join(tmpdir(), 'portico-smtp-'));
let server: SMTPServer | null = null;
afterEach(async () => {
  s?.destroy();
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  server = null;
});

function fakeIntake(over: Partial<TMailIntakePort> = {}) {
  const stored: TReceivedMessage[] = [];
  const port: TMailIntakePort = {
    tmpDir: join(dir, 'tmp'),
    acceptRecipient: async (a) => a.toLowerCase() === 'support@portico.localhost',
    allowSender: () => true,
    store: async (m) => (stored.push(m), { id: stored.length, duplicate: false }),
    ...over,
  };
  return { port, stored };
}

async function listen(port: TMailIntakePort, opts: { maxSize?: number; tls?: TTlsMode; maxPerIp?: number; phaseMs?: number } = {}): Promise<number> {
  server = createSmtpListener({
    log: createLogger('silent'),
    maxSize: opts.maxSize ?? 1024 * 1024,
    tls: opts.tls ?? null,
    intake: port,
    limits: { maxPerIp: opts.maxPerIp ?? 10, phaseMs: opts.phaseMs ?? 300_000 },
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return (server.server.address() as AddressInfo).port;
}

/** A raw SMTP conversation: the greeting, then one reply per line sent (the socket stays open in `s`). */
let s: Socket | null = null;
function converse(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const replies: string[] = [];
    let buf = '';
    s = connect(port, '127.0.0.1');
    s.on('error', reject);
    s.on('data', (d) => {
      buf += d.toString();
      // A reply ends with a line whose code is followed by a space.
      if (!/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buf)) return;
      replies.push(buf);
      buf = '';
      const next = lines[replies.length - 1];
      if (next === undefined) resolve(replies);
      else s!.write(`${next}\r\n`);
    });
  });
}

const transport = (port: number, extra: Record<string, unknown> = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra } as never);
const mail = { from: 'sam@acme-dental.test', to: 'support@portico.localhost', subject: 'Printer', text: 'It is offline again.' };

describe('the SMTP listener', () => {
  it('stores a message and answers 250 only after the store resolved', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { port, stored } = fakeIntake({ store: async (m) => (await gate, stored.push(m), { id: 7, duplicate: false }) });
    const p = transport(await listen(port)).sendMail(mail);
    let answered = false;
    void p.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered, 'no 250 before the message is committed').toBe(false);
    release();
    expect((await p).response).toMatch(/^250 2\.0\.0 Queued as 7/);
    expect(stored[0]!.envelopeTo).toEqual(['support@portico.localhost']);
    expect(Buffer.isBuffer(stored[0]!.data) && stored[0]!.data.toString()).toContain('It is offline again.');
  });

  it('refuses recipients that mean nothing here (no relay) with 550 5.1.1', async () => {
    const { port } = fakeIntake();
    const t = transport(await listen(port));
    await expect(t.sendMail({ ...mail, to: 'someone@elsewhere.test' })).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('5.1.1') });
  });

  it('drains an oversized message and answers 552', async () => {
    const { port, stored } = fakeIntake();
    const t = transport(await listen(port, { maxSize: 64 * 1024 }));
    await expect(t.sendMail({ ...mail, text: 'x'.repeat(200 * 1024) })).rejects.toMatchObject({ responseCode: 552 });
    expect(stored).toHaveLength(0);
  });

  it('answers 451 when the message cannot be stored, so the sender retries', async () => {
    const { port } = fakeIntake({ store: () => Promise.reject(new AppError('TEMPORARY', 'disk full')) });
    await expect(transport(await listen(port)).sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
  });

  it('rate-limits a sender with 451 4.7.1 and caps recipients', async () => {
    const { port } = fakeIntake({ allowSender: (k) => k !== 'flood@elsewhere.test', acceptRecipient: async () => true });
    const t = transport(await listen(port));
    await expect(t.sendMail({ ...mail, from: 'flood@elsewhere.test' })).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('4.7.1') });
    const many = Array.from({ length: 25 }, (_, i) => `r${i}@portico.localhost`);
    const info = await t.sendMail({ ...mail, to: many });
    expect(info.accepted).toHaveLength(20);
    expect(info.rejected).toHaveLength(5);
  });

  it('waits for a sender limit counted elsewhere (the database, with several nodes)', async () => {
    const { port } = fakeIntake({ allowSender: async (k) => (await new Promise((r) => setTimeout(r, 5)), k !== 'flood@elsewhere.test'), acceptRecipient: async () => true });
    const t = transport(await listen(port));
    await expect(t.sendMail({ ...mail, from: 'flood@elsewhere.test' })).rejects.toMatchObject({ responseCode: 451 });
    expect((await t.sendMail(mail)).accepted).toHaveLength(1);
  });

  it('offers no AUTH, and no STARTTLS without a certificate', async () => {
    const { port } = fakeIntake();
    const p = await listen(port);
    const [, ehlo, auth] = await converse(p, ['EHLO client.test', 'AUTH PLAIN AGFAYg==']);
    expect(ehlo).toMatch(/^250/);
    expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
    expect(auth).toMatch(/^5\d\d /);
    s?.destroy();
    await expect(transport(p, { ignoreTLS: false, requireTLS: true }).sendMail(mail)).rejects.toThrow(/STARTTLS/);
  });

  it('speaks STARTTLS with the configured certificate', async () => {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=portico.localhost'], { stdio: 'ignore' });
    const { port, stored } = fakeIntake();
    const p = await listen(port, { tls: { key: readFileSync(keyPath), cert: readFileSync(certPath) } });
    const info = await transport(p, { ignoreTLS: false, requireTLS: true, tls: { ca: [readFileSync(certPath)], servername: 'portico.localhost' } }).sendMail(mail);
    expect(info.response).toMatch(/^250 /);
    expect(stored).toHaveLength(1);
  });

  it('survives a client that resets the connection in the middle of DATA', async () => {
    const { port, stored } = fakeIntake();
    const p = await listen(port);
    const replies = await converse(p, ['EHLO x', 'MAIL FROM:<a@b.test>', 'RCPT TO:<support@portico.localhost>', 'DATA']);
    expect(replies.at(-1)).toMatch(/^354/);
    s!.write('Subject: half\r\n\r\nhalf a mess');
    await new Promise((r) => setTimeout(r, 50));
    s!.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await transport(p).sendMail(mail)).response).toMatch(/^250 /);
    expect(stored).toHaveLength(1);
  });
});

/** A raw connection that keeps everything the server says; `until` waits for a pattern or the close. */
const clients: Socket[] = [];
function rawClient(port: number, localAddress = '127.0.0.1') {
  const sock = connect({ port, host: '127.0.0.1', localAddress });
  clients.push(sock);
  let text = '';
  let closed = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  sock.on('data', (d) => ((text += d.toString()), wake()));
  sock.on('close', () => ((closed = true), wake()));
  sock.on('error', () => {});
  return {
    sock,
    text: () => text,
    closed: () => closed,
    async until(re: RegExp): Promise<string> {
      while (!re.test(text) && !closed) await new Promise<void>((r) => waiters.push(r));
      return text;
    },
  };
}
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

describe('connection slots', () => {
  it('caps connections per source address; other addresses and freed slots still get in', async () => {
    const { port } = fakeIntake();
    const p = await listen(port, { maxPerIp: 3 });
    const held = [rawClient(p), rawClient(p), rawClient(p)];
    for (const c of held) expect(await c.until(/^220 /m)).toMatch(/^220 /);
    const fourth = rawClient(p);
    expect(await fourth.until(/^421 /m)).toMatch(/^421 4\.7\.0 Too many connections from your address/);
    await fourth.until(/$^/); // the server hangs up
    expect(fourth.closed()).toBe(true);
    const elsewhere = rawClient(p, '127.0.0.2');
    expect(await elsewhere.until(/^220 /m)).toMatch(/^220 /);
    held[0]!.sock.end('QUIT\r\n');
    await held[0]!.until(/$^/);
    const again = rawClient(p);
    expect(await again.until(/^(220|421) /m)).toMatch(/^220 /);
  });

  it('disconnects a client that trickles bytes past the phase deadline, however often it sends', async () => {
    const { port } = fakeIntake();
    const p = await listen(port, { phaseMs: 1200 });
    const slow = rawClient(p);
    await slow.until(/^220 /m);
    // One byte every 150 ms: each one restarts the idle timeout, never the deadline.
    const trickle = setInterval(() => slow.sock.write('x'), 150);
    try {
      expect(await slow.until(/^421 /m)).toMatch(/^421 4\.4\.2 Took too long/m);
      await slow.until(/$^/);
      expect(slow.closed()).toBe(true);
    } finally {
      clearInterval(trickle);
    }
  });

  it('gives each message of a connection a fresh deadline', async () => {
    const { port, stored } = fakeIntake();
    const p = await listen(port, { phaseMs: 1500 });
    const t = transport(p, { pool: true, maxConnections: 1, maxMessages: 10 });
    for (let i = 0; i < 3; i++) {
      expect((await t.sendMail({ ...mail, subject: `message ${i}` })).response).toMatch(/^250 /);
      await new Promise((r) => setTimeout(r, 900)); // three messages take longer than one deadline
    }
    t.close();
    expect(stored).toHaveLength(3);
  });
});

describe('mail settings', () => {
  const load = (env: Record<string, string>) => loadSettings(env, '/nonexistent.env');
  it('has the defaults the README names', () => {
    expect(load({})).toMatchObject({ MAIL_MAX_MB: 25, REOPEN_DAYS: 14, MAIL_RATE_PER_SENDER: 30 });
  });
  it('wants both SMTP_TLS_CERT and SMTP_TLS_KEY, as files that exist', () => {
    expect(() => load({ SMTP_TLS_CERT: fileURLToPath(import.meta.url) })).toThrow(/SMTP_TLS_KEY: set both/);
    expect(() => load({ SMTP_TLS_CERT: fileURLToPath(import.meta.url), SMTP_TLS_KEY: '/nonexistent/key.pem' })).toThrow(/SMTP_TLS_KEY: no such file/);
    expect(() => load({ MAIL_MAX_MB: '0' })).toThrow(SettingsError);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
