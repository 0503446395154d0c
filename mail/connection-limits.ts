import type { SMTPServer, SMTPServerSession } from 'smtp-server';

const reply = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/** What smtp-server keeps per connection that a deadline needs: its id and a way to answer. */
interface TConnection {
  id: string;
  send(code: number, text: string): void;
}

/**
 * Connection slots that no client can hold for ever: at most `maxPerIp` connections per
 * source address (the next is answered 421 at once), and a deadline per phase, from the
 * greeting (or the end of the client's last message) to the end of its next DATA, that
 * trickled bytes do not extend (the socket's idle timeout restarts on every byte, this does
 * not). A client past its deadline gets 421 and is disconnected.
 */
export class SmtpConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private readonly counted = new Map<string, { ip: string; deadline: NodeJS.Timeout }>();
  private server: SMTPServer | null = null;

  constructor(
    private readonly maxPerIp: number,
    private readonly phaseMs: number,
  ) {}

  attach(server: SMTPServer): void {
    this.server = server;
  }

  /** smtp-server's onConnect: admits the connection or refuses it with 421. */
  onConnect(session: SMTPServerSession, callback: (err?: Error) => void): void {
    const ip = session.remoteAddress;
    const open = this.perIp.get(ip) ?? 0;
    if (open >= this.maxPerIp) return callback(reply(421, '4.7.0 Too many connections from your address; try again later'));
    this.perIp.set(ip, open + 1);
    this.counted.set(session.id, { ip, deadline: this.arm(session.id) });
    callback();
  }

  /** A message has been received in full: the next phase gets a fresh deadline. */
  nextPhase(session: SMTPServerSession): void {
    const entry = this.counted.get(session.id);
    if (!entry) return;
    clearTimeout(entry.deadline);
    entry.deadline = this.arm(session.id);
  }

  /** smtp-server's onClose (also for connections refused before onConnect, which were never counted). */
  onClose(session: SMTPServerSession): void {
    const entry = this.counted.get(session.id);
    if (!entry) return;
    this.counted.delete(session.id);
    clearTimeout(entry.deadline);
    const left = (this.perIp.get(entry.ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(entry.ip, left);
    else this.perIp.delete(entry.ip);
  }

  private arm(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.expire(id), this.phaseMs);
    timer.unref();
    return timer;
  }

  private expire(id: string): void {
    // smtp-server keeps its open connections in a Set; 421 makes it close the one that timed out.
    const connections = (this.server as unknown as { connections?: Set<TConnection> } | null)?.connections;
    for (const conn of connections ?? []) {
      if (conn.id === id) return conn.send(421, '4.4.2 Took too long; closing connection');
    }
  }
}
