import { sql } from 'drizzle-orm';
import type { TDb, TTx } from '../../db/client';

/** A named placeholder for a prepared query. */
export const p = (name: string) => sql.placeholder(name);

type TPreparedSource = { execute: (placeholders?: Record<string, unknown>) => Promise<unknown> };
type TParams = Record<string, unknown>;

/** A prepared query, the same on both engines. */
export interface TPrepared<R> {
  /** Every row (a select, or a write with `returning`). */
  all(params?: TParams): Promise<R>;
  /** The first row, if any. */
  get(params?: TParams): Promise<R extends readonly (infer E)[] ? E | undefined : R>;
  /** For a write without `returning`. */
  run(params?: TParams): Promise<void>;
}
type TPreparedSet<T> = { [K in keyof T]: T[K] extends TPreparedSource ? TPrepared<Awaited<ReturnType<T[K]['execute']>>> : never };

/**
 * Hot queries prepared once per connection (SQLite: a statement; PostgreSQL: a named
 * statement, parsed once per pooled connection): building a drizzle query costs more than
 * running it. `build` ends each query with `.prepare('<unique name>')`. A transaction has
 * its own session, so inside one fetch the queries through the transaction.
 */
export function preparedQueries<T extends Record<string, TPreparedSource>>(build: (db: TDb | TTx) => T): (db: TDb | TTx) => TPreparedSet<T> {
  const cache = new WeakMap<object, TPreparedSet<T>>();
  return (db) => {
    const key = (db as unknown as { session: object }).session;
    let q = cache.get(key);
    if (!q) cache.set(key, (q = wrapAll(build(db))));
    return q;
  };
}

function wrapAll<T extends Record<string, TPreparedSource>>(built: T): TPreparedSet<T> {
  const out: Record<string, TPrepared<unknown>> = {};
  for (const [name, query] of Object.entries(built)) out[name] = wrap(query);
  return out as TPreparedSet<T>;
}

type TSqlitePrepared = { all(p?: TParams): unknown; get(p?: TParams): unknown; run(p?: TParams): unknown };

function wrap(query: TPreparedSource): TPrepared<unknown> {
  // SQLite's prepared queries run synchronously; PostgreSQL's answer through `execute`.
  const lite = query as unknown as Partial<TSqlitePrepared>;
  if (typeof lite.all === 'function' && typeof lite.run === 'function') {
    const s = lite as TSqlitePrepared;
    return {
      all: async (params) => s.all(params),
      get: async (params) => s.get(params) as never,
      run: async (params) => void s.run(params),
    };
  }
  return {
    all: async (params) => await query.execute(params),
    get: async (params) => ((await query.execute(params)) as unknown[])[0] as never,
    run: async (params) => void (await query.execute(params)),
  };
}
