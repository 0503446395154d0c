import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { readSessionToken, sessionIdFromToken } from '../auth/session';

/**
 * Caps the WebSockets one session holds open (WS_MAX_SOCKETS_PER_SESSION): a browser opens
 * one per tab, so many more mean a script. One past the cap is accepted and closed at once
 * with 4429 and the reason, which a client (and a person reading its console) can tell
 * apart from a network fault. Counted per process: each node caps its own sockets.
 */
export class SocketsPerSession {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly publicUrl: string,
    private readonly max: number,
  ) {}

  /** False (and the socket closed) when the session already holds `max` sockets here. */
  admit(req: IncomingMessage, ws: WebSocket): boolean {
    const token = readSessionToken(this.publicUrl, req.headers.cookie);
    if (!token) return true;
    const id = sessionIdFromToken(token);
    const count = this.open.get(id) ?? 0;
    if (count >= this.max) {
      ws.close(4429, `Too many connections for this session (at most ${this.max})`);
      return false;
    }
    this.open.set(id, count + 1);
    ws.once('close', () => {
      const left = (this.open.get(id) ?? 1) - 1;
      if (left > 0) this.open.set(id, left);
      else this.open.delete(id);
    });
    return true;
  }
}
