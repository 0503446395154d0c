import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ENGINE } from '../../db/engine';

/*
 * A database of its own for each test (file or server): on SQLite a file in the test's temp
 * folder; on PostgreSQL (`npm run test:pg`, DATABASE_URL naming the test cluster) a new
 * database copied from the migrated template the run made first (tests/pg-global-setup.ts),
 * dropped again at the end, so test files stay isolated and run in parallel.
 */

/** Databases of one run share a prefix, so runs side by side on one server leave each other alone. */
export const PG_RUN_PREFIX = `portico_test_${(process.env.PORTICO_TEST_RUN ?? 'run').replace(/[^a-z0-9_]/gi, '').toLowerCase()}_`;
export const PG_TEMPLATE = `${PG_RUN_PREFIX}template`;

export interface TTestDatabase {
  /** The settings that point at it: DATABASE_PATH, and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function testDatabase(dir: string): Promise<TTestDatabase> {
  const path = join(dir, 'portico.db');
  if (ENGINE !== 'pg') return { env: { DATABASE_PATH: path }, drop: async () => {} };
  const base = process.env.DATABASE_URL!;
  const name = `${PG_RUN_PREFIX}${randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${PG_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  return {
    env: { DATABASE_PATH: path, DATABASE_URL: withDatabase(base, name) },
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
