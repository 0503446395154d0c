import type { Logger } from 'pino';
import type { TPortico } from './app';

/**
 * SIGTERM or SIGINT stops the server gracefully (TPortico.stop: no new connections, work in
 * flight finished within SHUTDOWN_TIMEOUT_MS, WebSocket clients told to reconnect, database
 * closed) and exits 0; 1 if stopping failed. A second signal while stopping ends the process
 * at once (the signal's default).
 */
export function stopOnSignals(portico: Pick<TPortico, 'stop'>, log: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      for (const s of ['SIGTERM', 'SIGINT'] as const) if (s !== signal) process.removeAllListeners(s);
      portico.stop().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
