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

export async function testDatabase(dir: string): Promise<TTestDatabase> {
  const path = join(dir, 'portico.db');
  if (ENGINE !== 'pg') return { env: { DATABASE_PATH: path }, drop: async () => {} };
  const { createDatabase } = await import('../../db/pg-databases');
  const database = await createDatabase(process.env.DATABASE_URL!, `${PG_RUN_PREFIX}${randomBytes(6).toString('hex')}`, PG_TEMPLATE);
  return { env: { DATABASE_PATH: path, DATABASE_URL: database.url }, drop: database.drop };
}
