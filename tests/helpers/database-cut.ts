import { truncateSync, rmSync } from 'node:fs';
import pg from 'pg';
import { ENGINE } from '../../db/engine';
import type { TPorticoProcess } from './portico-process';

/*
 * A power cut that loses the last commits, on either engine. SQLite (synchronous=NORMAL)
 * can lose what is only in its WAL: the child folds the WAL into the file at `mark()`, and
 * `cut()` (after SIGKILL) drops the WAL and its index. A PostgreSQL server loses commits only
 * when it runs with synchronous_commit off or its disk lies; the same loss is made here by
 * copying every table at `mark()` and putting the copies back at `cut()`, with triggers and
 * foreign-key checks off (as a restore does), so every row and update since is gone.
 */
export interface TDatabaseCut {
  mark(child: TPorticoProcess): Promise<void>;
  cut(): Promise<void>;
}

export function databaseCut(env: { DATABASE_PATH: string; DATABASE_URL?: string }): TDatabaseCut {
  if (ENGINE === 'sqlite') {
    return {
      mark: (child) => child.checkpoint(),
      async cut() {
        truncateSync(`${env.DATABASE_PATH}-wal`, 0);
        rmSync(`${env.DATABASE_PATH}-shm`, { force: true });
      },
    };
  }
  const withClient = async <T>(work: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  let tables: string[] = [];
  return {
    mark: () =>
      withClient(async (c) => {
        const { rows } = await c.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`);
        tables = rows.map((r) => r.name);
        await c.query('create schema cut_copy');
        for (const t of tables) await c.query(`create table cut_copy."${t}" as table public."${t}"`);
      }),
    cut: () =>
      withClient(async (c) => {
        await c.query('begin');
        await c.query(`set local session_replication_role = replica`);
        await c.query(`truncate ${tables.map((t) => `public."${t}"`).join(', ')}`);
        for (const t of tables) await c.query(`insert into public."${t}" overriding system value select * from cut_copy."${t}"`);
        await c.query('drop schema cut_copy cascade');
        await c.query('commit');
      }),
  };
}
