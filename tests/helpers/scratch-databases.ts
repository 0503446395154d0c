import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl } from '../../db/engine';
import { createDatabase } from '../../db/pg-databases';
import { PG_RUN_PREFIX } from './test-database';

/*
 * Databases of either engine opened without the app's schema, which is built for this
 * process's engine only (db/engine.ts): raw better-sqlite3 and raw `pg`, migrated with
 * drizzle's migrators straight from db/migrations/<engine>. For the tests that need both
 * engines in one process (schema drift, db:copy).
 */

export const MIGRATIONS = {
  sqlite: fileURLToPath(new URL('../../db/migrations/sqlite', import.meta.url)),
  pg: fileURLToPath(new URL('../../db/migrations/pg', import.meta.url)),
};

/**
 * The PostgreSQL server these tests may create databases on: TEST_DATABASE_URL (CI sets it
 * for the whole run), else the server of `npm run test:pg` (DATABASE_URL). Undefined on a
 * machine without one, where the tests say so and are skipped.
 */
export function postgresServerUrl(): string | undefined {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  return isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
}

export const NO_POSTGRES = 'no PostgreSQL server: set TEST_DATABASE_URL (a server where this user may create databases) to run it';

/** Migrates a new SQLite file with the committed SQLite migrations, as start-up does. */
export async function migrateSqliteFile(path: string): Promise<void> {
  const { drizzle } = await import('drizzle-orm/better-sqlite3');
  const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS.sqlite });
  } finally {
    sqlite.close();
  }
}

export interface TScratchPg {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the test server (named with the run's prefix, so `npm run
 * test:pg` also drops it if the test is interrupted), and its removal.
 */
export async function scratchPostgres(server: string, label: string): Promise<TScratchPg> {
  return await createDatabase(server, `${PG_RUN_PREFIX}${label}_${randomBytes(4).toString('hex')}`);
}

/** Migrates a PostgreSQL database with the committed PostgreSQL migrations. */
export async function migratePostgres(url: string): Promise<void> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS.pg });
  } finally {
    await client.end();
  }
}
