import WebSocket from 'ws';

/**
 * A WebSocket that speaks tRPC's wire protocol by hand, for tests that look at the exact
 * messages a server sends: every text message is kept in order and read with `next()`.
 */
export class RawTrpcSocket {
  readonly texts: string[] = [];
  closed: { code: number } | null = null;
  private waiter: (() => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.texts.push(data.toString());
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawTrpcSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      const socket = new RawTrpcSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next text message as sent (waits for it); null once the socket closed with none left. */
  async nextText(): Promise<string | null> {
    while (this.texts.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.texts.shift()!;
  }

  /** The next message, parsed (PING/PONG as their text). */
  async next(): Promise<unknown> {
    const text = await this.nextText();
    if (text === null) throw new Error(`socket closed (${this.closed?.code}) with no message`);
    return text === 'PING' || text === 'PONG' ? text : JSON.parse(text);
  }

  /** Resolves once the socket is closed (by either side). */
  async whenClosed(): Promise<{ code: number }> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
