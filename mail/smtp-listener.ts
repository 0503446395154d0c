import type { Logger } from 'pino';
import { smtpErrorFor } from './smtp-reply';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface TRecipientCheck {
  /** Whether this RCPT TO address means something to the portal (reply token, support, bounce). */
  (address: string, session: SMTPServerSession): boolean;
}

/**
 * The inbound SMTP listener. It never relays: recipients that mean nothing to the portal
 * get 550 5.1.1. No AUTH, no reverse lookups, bounded clients and time-outs, and every
 * error is caught so a reset connection cannot take the process down.
 */
export function createSmtpListener(opts: {
  log: Logger;
  maxSize: number;
  acceptRecipient: TRecipientCheck;
  onMessage: (raw: Buffer, session: SMTPServerSession) => Promise<void>;
}): SMTPServer {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    maxClients: 100,
    size: opts.maxSize,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    banner: 'Portico mail intake',
    logger: false,
    onRcptTo(address: SMTPServerAddress, session, callback) {
      if (opts.acceptRecipient(address.address.toLowerCase(), session)) return callback();
      const err = new Error('5.1.1 No such recipient here') as Error & { responseCode: number };
      err.responseCode = 550;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = new Error('5.3.4 Message too big') as Error & { responseCode: number };
          err.responseCode = 552;
          callback(err);
          return;
        }
        opts.onMessage(Buffer.concat(chunks), session).then(
          () => callback(),
          (e: unknown) => {
            opts.log.error({ err: e }, 'inbound mail could not be stored');
            callback(smtpErrorFor(e));
          },
        );
      });
    },
  });
  server.on('error', (err) => opts.log.warn({ err: err.message }, 'smtp error'));
  return server;
}
