import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TMailIntakePort } from '../server/mail-intake/intake-worker';
import { SmtpConnectionLimits } from './connection-limits';
import { receiveData } from './receive-data';
import { smtpErrorFor } from './smtp-reply';

/** STARTTLS with these PEM contents, with the library's built-in test key (development only), or not offered. */
export type TTlsMode = { key: Buffer; cert: Buffer } | 'builtin' | null;

const MAX_RECIPIENTS = 20;

const reply = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
const SHUTTING_DOWN = '4.3.2 Service shutting down; try again later';

export interface TSmtpListener extends SMTPServer {
  /**
   * Graceful stop: new connections are answered 421, as are sessions between transactions;
   * a transaction under way (MAIL FROM to the reply after DATA) is let finish until
   * `deadline` (epoch ms), then cut (not answered, so not accepted: the sender retries).
   * Resolves once the listener is closed.
   */
  drain(deadline: number): Promise<void>;
}

/**
 * The inbound SMTP listener. It never relays: recipients that mean nothing to the portal
 * get 550 5.1.1. No AUTH, no reverse lookups, bounded clients, recipients and time-outs,
 * every DATA stream drained, and every error caught so a reset connection cannot take the
 * process down.
 */
export function createSmtpListener(opts: {
  log: Logger;
  maxSize: number;
  tls: TTlsMode;
  intake: TMailIntakePort;
  limits: { maxPerIp: number; phaseMs: number };
}): TSmtpListener {
  const { intake, log } = opts;
  let draining = false;
  const limits = new SmtpConnectionLimits(opts.limits.maxPerIp, opts.limits.phaseMs);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(opts.tls && opts.tls !== 'builtin' ? { key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' } : {}),
    disableReverseLookup: true,
    useXClient: false,
    useXForward: false,
    maxClients: 100,
    size: opts.maxSize,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    banner: 'Portico mail intake',
    logger: false,
    onConnect: (session, callback) => (draining ? callback(reply(421, SHUTTING_DOWN)) : limits.onConnect(session, callback)),
    onClose: (session) => limits.onClose(session),
    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      if (draining) return callback(reply(421, SHUTTING_DOWN));
      const key = address.address ? address.address.toLowerCase() : `ip:${session.remoteAddress}`;
      Promise.resolve(intake.allowSender(key)).then(
        (ok) => callback(ok ? undefined : reply(451, '4.7.1 Too many messages from this sender; try again later')),
        (err: unknown) => {
          log.error({ err }, 'sender limit check failed');
          callback(smtpErrorFor(err));
        },
      );
    },
    onRcptTo(address: SMTPServerAddress, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(reply(452, '4.5.3 Too many recipients'));
      intake.acceptRecipient(address.address).then(
        (ok) => callback(ok ? undefined : reply(550, '5.1.1 No such recipient here')),
        (err: unknown) => {
          log.error({ err }, 'recipient check failed');
          callback(smtpErrorFor(err));
        },
      );
    },
    onData(stream, session, callback) {
      receiveData(stream, { maxBytes: opts.maxSize, tmpDir: intake.tmpDir })
        .then(async (received) => {
          limits.nextPhase(session);
          if (received.tooBig) return callback(reply(552, '5.3.4 Message too big'));
          const from = session.envelope.mailFrom;
          const { id, duplicate } = await intake.store({
            data: received.data,
            sha256: received.sha256,
            size: received.size,
            head: received.head,
            envelopeFrom: from ? from.address || null : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            // For SPF: who connected, and the name it gave in EHLO/HELO.
            clientIp: session.remoteAddress || null,
            clientHelo: session.hostNameAppearsAs || null,
          });
          callback(null, duplicate ? '2.0.0 Already received' : `2.0.0 Queued as ${id}`);
        })
        .catch((err: unknown) => {
          log.warn({ err }, 'inbound message not accepted');
          callback(smtpErrorFor(err));
        });
    },
  });
  server.on('error', (err) => log.warn({ err: err.message }, 'smtp error'));
  limits.attach(server);

  // A session is in a transaction from MAIL FROM until the reply to its DATA (smtp-server
  // resets the envelope then).
  const inTransaction = (c: { session?: SMTPServerSession }) => !!c.session?.envelope?.mailFrom;
  const closeIdle = (all: boolean) => {
    for (const c of server.connections) {
      if (!all && inTransaction(c)) continue;
      c.send(421, SHUTTING_DOWN);
      c.close();
    }
  };
  const drain = async (deadline: number): Promise<void> => {
    draining = true;
    closeIdle(false);
    while ([...server.connections].some(inTransaction) && Date.now() < deadline) {
      await sleep(50);
      closeIdle(false);
    }
    closeIdle(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(server, { drain });
}
