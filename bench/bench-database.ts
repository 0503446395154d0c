import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/*
 * `--database postgres://user@host:port/db` for the benchmarks: run on PostgreSQL, in a
 * fresh database made on that server (migrated by the bench, dropped at the end); without
 * it, on SQLite in a temporary file. The engine is fixed when the schema is first imported
 * (db/engine.ts reads DATABASE_URL then), so a bench imports this module before anything
 * else: evaluating it sets DATABASE_URL from the command line first. Nothing here may
 * import the schema or db/engine statically.
 */

const { values } = parseArgs({ args: process.argv.slice(2), options: { database: { type: 'string' } }, strict: false, allowPositionals: true });
/** The server URL given with --database, if any. */
export const DATABASE_SERVER = typeof values.database === 'string' ? values.database : undefined;
if (DATABASE_SERVER !== undefined && !/^postgres(ql)?:\/\/\S+$/i.test(DATABASE_SERVER)) {
  throw new Error(`--database must be a postgres:// URL of a server where this user may create databases, not ${JSON.stringify(DATABASE_SERVER)}`);
}
// Empty selects SQLite even when .env names a PostgreSQL database: without the flag a bench runs as it always has.
process.env.DATABASE_URL = DATABASE_SERVER ?? '';

export interface TBenchDatabase {
  /** "sqlite", or "pg <host:port>". */
  label: string;
  /** Settings that point at it: DATABASE_PATH (in `dir`), and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  /** Drops the PostgreSQL database (a no-op on SQLite: the caller removes `dir`). */
  drop(): Promise<void>;
}

/** The bench's own database: a file in `dir`, or a new database on the --database server. */
export async function benchDatabase(dir: string): Promise<TBenchDatabase> {
  const { ENGINE } = await import('../db/engine');
  if ((ENGINE === 'pg') !== (DATABASE_SERVER !== undefined)) throw new Error('bench/bench-database.ts must be the first import of the bench (the engine was fixed before it ran).');
  const path = join(dir, 'portico.db');
  if (DATABASE_SERVER === undefined) return { label: 'sqlite', env: { DATABASE_PATH: path }, drop: async () => {} };

  const { createDatabase } = await import('../db/pg-databases');
  const database = await createDatabase(DATABASE_SERVER, `portico_bench_${randomBytes(5).toString('hex')}`);
  return {
    label: `pg ${new URL(DATABASE_SERVER).host}`,
    env: { DATABASE_PATH: path, DATABASE_URL: database.url },
    drop: database.drop,
  };
}
