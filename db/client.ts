import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BetterSQLiteTransaction, drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index';

export type TDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens the SQLite file with WAL, foreign keys on and synchronous=NORMAL: in WAL mode
 * NORMAL never corrupts the database, and a power loss can only drop the last commits,
 * which is the usual trade for a single-node web app (FULL costs an fsync per commit).
 * Temporary files (statement journals of nested transactions, sorts) stay in memory: on disk
 * they cost a file per statement that writes inside a savepoint.
 */
export function openDatabase(path: string): TDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('temp_store = MEMORY');
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema }) as TDb;
  reuseTransactionObjects(db);
  return db;
}

interface TSessionInternals {
  dialect: unknown;
  schema: unknown;
  transaction: (work: (tx: unknown) => unknown, config?: { behavior?: 'deferred' | 'immediate' | 'exclusive' }) => unknown;
}

/**
 * For every transaction drizzle builds a transaction object (a query builder per table) and
 * better-sqlite3 four wrapper functions; together they cost more than a short transaction's
 * statements. A top-level transaction object holds no state of its own (nested ones are made
 * by its `transaction`), so one per connection is reused, with one wrapper. Same behaviour:
 * BEGIN DEFERRED (or the asked behaviour), a savepoint when already in a transaction.
 */
function reuseTransactionObjects(db: TDb): void {
  const session = (db as unknown as { session: TSessionInternals }).session;
  const tx = new BetterSQLiteTransaction('sync', session.dialect as never, session as never, session.schema as never);
  const run = db.$client.transaction((work: (tx: unknown) => unknown) => work(tx));
  session.transaction = (work, config = {}) => run[config.behavior ?? 'deferred'](work);
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle prepares a new statement for every query it runs; preparing costs more than most
 * of our queries do. This keeps the last STATEMENT_CACHE_SIZE statements by SQL text and hands
 * them out again (in object mode, which drizzle expects unless it asks for raw()).
 */
function cacheStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      return hit.reader ? hit.raw(false) : hit;
    }
    const stmt = prepare(source);
    if (hit) return stmt;
    cache.set(source, stmt);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return stmt;
  }) as typeof sqlite.prepare;
}

export function closeDatabase(db: TDb): void {
  if (!db.$client.open) return;
  try {
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.$client.close();
  }
}
