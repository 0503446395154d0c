import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index';

export type TDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens the SQLite file with WAL, foreign keys on and synchronous=NORMAL: in WAL mode
 * NORMAL never corrupts the database, and a power loss can only drop the last commits,
 * which is the usual trade for a single-node web app (FULL costs an fsync per commit).
 */
export function openDatabase(path: string): TDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as TDb;
}

export function closeDatabase(db: TDb): void {
  if (!db.$client.open) return;
  try {
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.$client.close();
  }
}
