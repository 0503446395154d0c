import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { ENGINE, isPostgresUrl, type TEngine } from './engine';
import * as schema from './schema/index';

/**
 * The database, typed as drizzle's PostgreSQL database for both engines (see
 * db/schema/dialect.ts): queries are awaited, transactions are `db.transaction(async (tx) =>
 * …)`, and nested ones are savepoints. Outside a transaction, reads see committed data only.
 */
export type TDb = NodePgDatabase<typeof schema>;
/** A transaction: the same API, and its own writes visible to its reads. */
export type TTx = TDb;

/** Where the database is: a PostgreSQL URL, else the SQLite file. */
export interface TDatabaseSettings {
  DATABASE_PATH: string;
  DATABASE_URL?: string | undefined;
  /** PostgreSQL connections this process may hold (the pool's size). */
  DATABASE_POOL_MAX?: number | undefined;
}

interface TSqliteParts {
  engine: 'sqlite';
  /** The connection every write and transaction goes through, one at a time. */
  write: Database.Database;
  read: Database.Database;
  writeDb: unknown;
  lock: WriteLock;
}
interface TPgParts {
  engine: 'pg';
  pool: import('pg').Pool;
}
type TParts = TSqliteParts | TPgParts;

const PARTS = Symbol('portico.db');
const IN_TX = Symbol('portico.tx');
const partsOf = (db: TDb): TParts => {
  const parts = (db as unknown as { [PARTS]?: TParts })[PARTS];
  // A PostgreSQL transaction has none: what needs them takes the database itself.
  if (!parts) throw new Error('Expected the database from openDatabase, not a transaction.');
  return parts;
};

/** The engine behind a database or transaction (one per process: db/engine.ts). */
export const engineOf = (_db?: TDb): TEngine => ENGINE;

export async function openDatabase(settings: TDatabaseSettings): Promise<TDb> {
  const pg = isPostgresUrl(settings.DATABASE_URL);
  if (pg !== (ENGINE === 'pg')) {
    throw new Error('DATABASE_URL selects the engine when the process starts: set it in the environment (or .env), not only in the settings passed here.');
  }
  return pg ? openPostgres(settings.DATABASE_URL!, settings.DATABASE_POOL_MAX ?? 10) : openSqlite(settings.DATABASE_PATH);
}

// ---- PostgreSQL ----------------------------------------------------------------------------

async function openPostgres(url: string, max: number): Promise<TDb> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max });
  // A dropped idle connection must not take the process down; the pool makes a new one.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail at start, not at the first request
  client.release();
  const db = drizzle(pool, { schema });
  Object.defineProperty(db, PARTS, { value: { engine: 'pg', pool } satisfies TPgParts });
  return db;
}

// ---- SQLite --------------------------------------------------------------------------------

/**
 * Two connections to the file. Reads outside a transaction use one (query_only), so they
 * see committed data, as a PostgreSQL pool's connections do; every write and transaction
 * uses the other, one at a time (WriteLock): a transaction that awaits keeps the connection,
 * and nothing else's statements may run inside it. WAL, foreign keys on, synchronous=NORMAL:
 * in WAL mode NORMAL never corrupts the database, and a power loss can only drop the last
 * commits (accepted mail is re-indexed from its spool then: server/mail-intake/recover-spool.ts).
 * Temporary files (statement journals of savepoints, sorts) stay in memory.
 */
async function openSqlite(path: string): Promise<TDb> {
  const { drizzle } = await import('drizzle-orm/better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connect = () => {
    const c = new Database(path);
    c.pragma('journal_mode = WAL');
    c.pragma('synchronous = NORMAL');
    c.pragma('foreign_keys = ON');
    c.pragma('busy_timeout = 5000');
    c.pragma('temp_store = MEMORY');
    cacheStatements(c);
    return c;
  };
  const write = connect();
  const read = connect();
  read.pragma('query_only = ON');
  const writeDb = drizzle(write, { schema }) as unknown as Record<string | symbol, unknown>;
  const readDb = drizzle(read, { schema }) as unknown as Record<string | symbol, unknown>;
  const lock = new WriteLock();
  const parts: TSqliteParts = { engine: 'sqlite', write, read, writeDb, lock };
  Object.defineProperty(readDb, PARTS, { value: parts });
  Object.defineProperty(writeDb, PARTS, { value: parts });
  Object.defineProperty(writeDb, IN_TX, { value: true });

  readDb.transaction = <T>(work: (tx: unknown) => Promise<T>) =>
    lock.run(async () => {
      write.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(writeDb);
        write.exec('COMMIT');
        return result;
      } catch (err) {
        if (write.inTransaction) write.exec('ROLLBACK');
        throw err;
      }
    });
  let savepoints = 0;
  writeDb.transaction = async <T>(work: (tx: unknown) => Promise<T>) => {
    const name = `sp${++savepoints}`;
    write.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(writeDb);
      write.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (write.inTransaction) {
        write.exec(`ROLLBACK TO ${name}`);
        write.exec(`RELEASE ${name}`);
      }
      throw err;
    }
  };
  // A write outside a transaction runs on the write connection when no transaction holds it.
  for (const verb of ['insert', 'update', 'delete'] as const) {
    const make = (writeDb[verb] as (...a: unknown[]) => object).bind(writeDb);
    readDb[verb] = (...args: unknown[]) => underLock(make(...args), lock);
  }
  return readDb as unknown as TDb;
}

/** A write query whose execution waits for the write connection. */
function underLock<T extends object>(builder: T, lock: WriteLock): T {
  const proxy: T = new Proxy(builder, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'execute') return (...a: unknown[]) => lock.run(() => (value as (...x: unknown[]) => Promise<unknown>).apply(target, a));
      if (typeof value !== 'function' || prop === 'then') return value;
      // Builder methods return the builder: keep handing out the proxy.
      return (...a: unknown[]) => {
        const out = (value as (...x: unknown[]) => unknown).apply(target, a);
        return out === target ? proxy : out;
      };
    },
  });
  return proxy;
}

/**
 * One holder at a time of the SQLite write connection, in arrival order. A holder that asks
 * for it again (a service given the outer context instead of the transaction: a write that
 * would wait for the transaction it is part of) is refused at once rather than left waiting
 * for ever; on PostgreSQL the same mistake runs the write outside the transaction.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly holder = new AsyncLocalStorage<{ holding: boolean }>();

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder.getStore()?.holding) {
      return Promise.reject(new Error('A write outside the transaction, from inside it: pass the transaction (tx, or { ...ctx, db: tx }) to what it calls.'));
    }
    const result = this.tail.then(async () => {
      const mark = { holding: true };
      try {
        return await this.holder.run(mark, work);
      } finally {
        // Work it started that outlives it (a promise not awaited) is no longer inside it.
        mark.holding = false;
      }
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
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

// ---- both ----------------------------------------------------------------------------------

/** Whether `db` is a transaction (or a savepoint in one) rather than the database. */
export function isTransaction(db: TDb): boolean {
  if (ENGINE === 'sqlite') return (db as unknown as Record<symbol, unknown>)[IN_TX] === true;
  return (db as unknown as { constructor: { name: string } }).constructor.name === 'NodePgTransaction';
}

/**
 * A select that locks the rows it reads until the transaction ends (PostgreSQL's FOR UPDATE),
 * so transactions that read a row and then write it take turns. SQLite has no such clause and
 * needs none: it runs one write transaction at a time.
 */
export function forUpdate<Q extends { for(strength: 'update'): unknown }>(query: Q): Q {
  return (ENGINE === 'pg' ? query.for('update') : query) as Q;
}

/**
 * A select that locks the rows it reads and skips rows another transaction holds
 * (PostgreSQL's FOR UPDATE SKIP LOCKED), so workers on several nodes each claim different
 * rows. SQLite runs one write at a time: nothing to skip.
 */
export function forUpdateSkipLocked<Q extends { for(strength: 'update', config?: { skipLocked?: boolean }): unknown }>(query: Q): Q {
  return (ENGINE === 'pg' ? query.for('update', { skipLocked: true }) : query) as Q;
}

/**
 * PostgreSQL: `work` with one of the pool's connections to itself until it is done (a
 * session-level lock taken on it holds as long). The connection goes back to the pool after.
 */
export async function onOwnConnection<T>(db: TDb, work: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const parts = partsOf(db);
  if (parts.engine !== 'pg') throw new Error('onOwnConnection is for PostgreSQL.');
  const client = await parts.pool.connect();
  let failed = false;
  try {
    return await work(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A connection whose state is unknown after a failure (a lock still held) is not reused.
    client.release(failed);
  }
}

/** A cheap round trip, for /healthz. */
export async function pingDatabase(db: TDb): Promise<void> {
  const parts = partsOf(db);
  if (parts.engine === 'sqlite') parts.read.prepare('select 1').get();
  else await parts.pool.query('select 1');
}

/**
 * Whether the transaction `tx` is still open after a failed statement in a savepoint:
 * SQLite ends it itself on some errors (disk full, I/O); PostgreSQL keeps it once the
 * savepoint is rolled back.
 */
export function isTransactionAlive(tx: TTx): boolean {
  // Only SQLite's handles carry the parts; a PostgreSQL transaction is drizzle's own object.
  if (ENGINE === 'pg') return true;
  const parts = partsOf(tx);
  return parts.engine === 'sqlite' ? parts.write.inTransaction : true;
}

/** The write connection's drizzle instance (SQLite; migrations) or the database (PostgreSQL). */
export function writerOf(db: TDb): unknown {
  const parts = partsOf(db);
  return parts.engine === 'sqlite' ? parts.writeDb : db;
}

export async function closeDatabase(db: TDb): Promise<void> {
  const parts = partsOf(db);
  if (parts.engine === 'pg') return parts.pool.end();
  await parts.lock.run(async () => {
    if (!parts.write.open) return;
    parts.read.close();
    try {
      parts.write.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      parts.write.close();
    }
  });
}

/**
 * Raw SQL for tests and tools (query plans, counts): `?` placeholders on SQLite, `$1…` on
 * PostgreSQL. Read-only on SQLite.
 */
export async function rawRows<T>(db: TDb, text: string, params: readonly unknown[] = []): Promise<T[]> {
  const parts = partsOf(db);
  if (parts.engine === 'sqlite') return parts.read.prepare(text).all(...params) as T[];
  return (await parts.pool.query(text, params as unknown[])).rows as T[];
}

/** Raw SQL that changes things, run where writes run (tests and tools). */
export async function rawExecOnWriter(db: TDb, text: string): Promise<void> {
  const parts = partsOf(db);
  if (parts.engine === 'sqlite') await parts.lock.run(async () => void parts.write.exec(text));
  else await parts.pool.query(text);
}

/** Refreshes the planner's statistics (after a bulk load). */
export async function analyzeDatabase(db: TDb): Promise<void> {
  const parts = partsOf(db);
  if (parts.engine === 'sqlite') await parts.lock.run(async () => void parts.write.exec('analyze'));
  else await parts.pool.query('analyze');
}

/** SQLite only: fold the WAL into the database file (tests that simulate a crash). */
export function checkpointSqlite(db: TDb): void {
  const parts = partsOf(db);
  if (parts.engine === 'sqlite') parts.write.pragma('wal_checkpoint(TRUNCATE)');
}
