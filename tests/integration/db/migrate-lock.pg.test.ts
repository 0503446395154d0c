import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { MIGRATION_LOCK, migrateDatabase } from '../../../db/migrate';
import { loadSettings } from '../../../server/settings';
import { spawnPortico, type TPorticoProcess } from '../../helpers/portico-process';
import { scratchPostgres } from '../../helpers/scratch-databases';

/*
 * Several nodes starting together on one empty PostgreSQL database: the migrations (and the
 * demo seed) run once, under an advisory lock; the other nodes wait for it, then find
 * nothing left to do.
 */

const NOT_PG = 'nodes share a PostgreSQL database: runs in `npm run test:pg` (DATABASE_URL=postgres://…)';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** `npm run db:seed` as a process of its own: its exit code and output. */
function seedCli(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/seed/seed-cli.ts'], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('migrations when several nodes start together', () => {
  it('wait for the migration lock', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const scratch = await scratchPostgres(process.env.DATABASE_URL!, 'miglock');
    const holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    const db = await openDatabase(loadSettings({ NODE_ENV: 'test', DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }, '/nonexistent.env'));
    try {
      // Another node is migrating.
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      let done = false;
      const migrating = migrateDatabase(db).then(() => (done = true));
      const waiting = () =>
        query<{ n: number }>(scratch.url, `select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${MIGRATION_LOCK} and not granted`);
      while ((await waiting())[0]!.n === 0) await new Promise((r) => setTimeout(r, 20));
      expect(done).toBe(false);
      expect(await query(scratch.url, `select 1 from pg_tables where tablename = 'events'`)).toHaveLength(0);
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      await migrating;
      expect(await query(scratch.url, `select 1 from pg_tables where tablename = 'events'`)).toHaveLength(1);
    } finally {
      await holder.end();
      await closeDatabase(db);
      await scratch.drop();
    }
  });

  // Process start-up on a busy 2-core machine takes more than the default 30 s.
  it('two nodes started at once on an empty database both run, and it is migrated and seeded once', { timeout: 120_000 }, async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const scratch = await scratchPostgres(process.env.DATABASE_URL!, 'twostart');
    const dir = mkdtempSync(join(tmpdir(), 'portico-twostart-'));
    const nodes: TPorticoProcess[] = [];
    try {
      const env = (node: string) => ({
        NODE_ENV: 'test',
        PORT: '0',
        SMTP_PORT: '0',
        SMTP_HOST: '127.0.0.1',
        DATABASE_PATH: join(dir, 'unused.db'),
        DATABASE_URL: scratch.url,
        DATA_DIR: join(dir, `files-${node}`),
        LOG_LEVEL: 'silent',
      });
      const started = await Promise.allSettled([spawnPortico(env('a')), spawnPortico(env('b'))]);
      for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
      for (const n of nodes) expect((await fetch(`${n.url}/healthz`)).status).toBe(200);
      const migrations = await query<{ n: number }>(scratch.url, 'select count(*)::int as n from drizzle.__drizzle_migrations');
      const files = await query<{ n: number }>(scratch.url, `select count(distinct hash)::int as n from drizzle.__drizzle_migrations`);
      expect(migrations[0]!.n).toBe(files[0]!.n);
      expect(migrations[0]!.n).toBeGreaterThan(0);
      // The demo provider was seeded by one node only.
      expect(await query(scratch.url, 'select id from providers')).toHaveLength(1);
    } finally {
      for (const n of nodes) await n.kill();
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two `db:seed` runs at once on an empty database: one seeds, the other finds the data', { timeout: 120_000 }, async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const scratch = await scratchPostgres(process.env.DATABASE_URL!, 'twoseed');
    const dir = mkdtempSync(join(tmpdir(), 'portico-twoseed-'));
    try {
      const env = { NODE_ENV: 'test', DATABASE_PATH: join(dir, 'unused.db'), DATABASE_URL: scratch.url, DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent' };
      const runs = await Promise.all([seedCli(env), seedCli(env)]);
      expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
      expect(runs.find((r) => r.code === 1)!.out).toContain('already holds data');
      expect(await query(scratch.url, 'select id from providers')).toHaveLength(1);
      expect(await query(scratch.url, `select id from users where email = 'admin@demo-msp.test'`)).toHaveLength(1);
    } finally {
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
