import pg from 'pg';

/*
 * LISTEN on a connection of its own (a `pg.Client`, not one of the pool's: a pooled
 * connection is handed to other work and its LISTEN would go with it). A lost connection
 * (server restart, network, pg_terminate_backend) is made again with growing delays; each
 * time LISTEN holds again, `onListening` runs so the caller catches up on what it missed.
 */

export type TListenState = 'listening' | 'reconnecting' | 'stopped';

export interface TPgListener {
  state(): TListenState;
  /** The server process of the listening connection, null while there is none (tests end it). */
  backendPid(): number | null;
  stop(): Promise<void>;
}

export interface TListenOptions {
  url: string;
  channel: string;
  /** Shown in pg_stat_activity, so the connection can be told apart from the pool's. */
  applicationName?: string;
  onNotify(payload: string): void;
  /** LISTEN holds (first at start, then after every reconnect). */
  onListening(): void;
  /** The connection was lost; reconnecting. */
  onLost?(err: unknown): void;
  /** First retry delay, doubled per failure up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A half-open connection (a peer gone without a word: a NAT or firewall timed it out) reports
   * nothing, so the idle connection is asked `select 1` this often (default 30 s); an answer, or a
   * connection, that takes longer than `timeoutMs` (default 10 s) counts as a lost connection.
   */
  pingMs?: number;
  timeoutMs?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/** Connects and LISTENs (failing at start, as the pool does); from then on keeps listening until `stop`. */
export async function listenPostgres(opts: TListenOptions): Promise<TPgListener> {
  if (!CHANNEL_NAME.test(opts.channel)) throw new Error(`Not a plain channel name: ${opts.channel}`);
  const minDelay = opts.minDelayMs ?? 100;
  const maxDelay = opts.maxDelayMs ?? 5_000;
  let state: TListenState = 'reconnecting';
  let client: pg.Client | null = null;
  let pid: number | null = null;
  let delay = minDelay;
  let timer: NodeJS.Timeout | null = null;
  const pingMs = opts.pingMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({
      connectionString: opts.url,
      keepAlive: true,
      application_name: opts.applicationName,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    let lost = false;
    let pinger: NodeJS.Timeout | null = null;
    const onLost = (err: unknown) => {
      if (lost) return;
      lost = true;
      if (pinger) clearInterval(pinger);
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
      // A half-open socket would wait for ever for the server's goodbye: drop it now.
      (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      if (client !== c) return; // failed while connecting: connect() reports it
      client = null;
      pid = null;
      if (state === 'stopped') return;
      state = 'reconnecting';
      opts.onLost?.(err);
      retryLater();
    };
    c.on('error', onLost);
    c.on('end', () => onLost(new Error('LISTEN connection ended')));
    c.on('notification', (m) => {
      if (m.channel === opts.channel) opts.onNotify(m.payload ?? '');
    });
    try {
      await c.connect();
      const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
      await c.query(`listen ${opts.channel}`);
      if (lost) throw new Error('LISTEN connection lost while connecting');
      if (state === 'stopped') {
        await c.end().catch(() => {});
        return;
      }
      client = c;
      pid = rows[0]!.pid;
      state = 'listening';
      delay = minDelay;
      let asking = false;
      pinger = setInterval(() => {
        if (asking) return;
        asking = true;
        c.query('select 1').then(
          () => void (asking = false),
          (err: unknown) => onLost(err),
        );
      }, pingMs);
      pinger.unref();
      opts.onListening();
    } catch (err) {
      lost = true;
      void c.end().catch(() => {});
      throw err;
    }
  };

  const retryLater = () => {
    if (timer || state === 'stopped') return;
    timer = setTimeout(() => {
      timer = null;
      connect().catch((err: unknown) => {
        if (state === 'stopped') return;
        opts.onLost?.(err);
        retryLater();
      });
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, maxDelay);
  };

  await connect();
  return {
    state: () => state,
    backendPid: () => pid,
    async stop() {
      state = 'stopped';
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      pid = null;
      if (c) await c.end().catch(() => {});
    },
  };
}
