import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPortico } from '../../server/app';
import { loadSettings } from '../../server/settings';
import { checkpointSqlite } from '../../db/client';
import { createLogger } from '../../server/core/logger';
import { stopOnSignals } from '../../server/stop-on-signals';

/*
 * The real server in a process of its own, for tests that must kill it as a crash or a power
 * cut would (kill -9), which an in-process server cannot show. The parent passes the
 * environment; the child answers with its ports over IPC, and on "checkpoint" folds the
 * SQLite WAL into the database file (so what follows is the WAL alone). SIGTERM stops it as
 * `npm start` does (server/stop-on-signals.ts).
 */

type TToChild = { kind: 'checkpoint' };
type TFromChild = { kind: 'started'; url: string; smtpPort: number } | { kind: 'checkpointed' };

export interface TPorticoProcess {
  child: ChildProcess;
  url: string;
  smtpPort: number;
  checkpoint(): Promise<void>;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** Resolves with the exit code once the process has exited (after `terminate` or otherwise). */
  exited: Promise<number | null>;
  /** SIGTERM: a graceful stop has begun; `exited` says how it ended. */
  terminate(): void;
}

export async function spawnPortico(env: Record<string, string>): Promise<TPorticoProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, ...env, PORTICO_CHILD: '1' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = (kind: TFromChild['kind']) =>
    new Promise<TFromChild>((resolve, reject) => {
      const onMessage = (m: TFromChild) => m.kind === kind && (child.off('message', onMessage), child.off('exit', onExit), resolve(m));
      const onExit = (code: number | null) => reject(new Error(`server process exited (${code}) before "${kind}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = (await next('started')) as Extract<TFromChild, { kind: 'started' }>;
  return {
    child,
    url: started.url,
    smtpPort: started.smtpPort,
    async checkpoint() {
      const done = next('checkpointed');
      child.send({ kind: 'checkpoint' } satisfies TToChild);
      await done;
    },
    exited,
    terminate: () => void child.kill('SIGTERM'),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

if (process.env.PORTICO_CHILD === '1' && process.send) {
  const settings = loadSettings(process.env, '/nonexistent.env');
  const portico = await startPortico(settings);
  stopOnSignals(portico, createLogger(settings.LOG_LEVEL));
  process.on('message', (m: TToChild) => {
    if (m.kind !== 'checkpoint') return;
    checkpointSqlite(portico.base.db);
    process.send!({ kind: 'checkpointed' } satisfies TFromChild);
  });
  // Exit with the parent (it may die without killing us).
  process.on('disconnect', () => process.exit(0));
  process.send({ kind: 'started', url: portico.url, smtpPort: portico.smtpPort } satisfies TFromChild);
}
