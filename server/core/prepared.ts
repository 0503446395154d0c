import { sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import type { TTx } from './unit-of-work';

/** A named placeholder for a prepared query. */
export const p = (name: string) => sql.placeholder(name);

/**
 * Hot queries prepared once per database connection: building and preparing a drizzle
 * query costs more than running it. A transaction shares its database's session, so the
 * queries may be fetched (and run) through either.
 */
export function preparedQueries<T>(build: (db: TDb | TTx) => T): (db: TDb | TTx) => T {
  const cache = new WeakMap<object, T>();
  return (db) => {
    const key = (db as unknown as { session: object }).session;
    let q = cache.get(key);
    if (!q) cache.set(key, (q = build(db)));
    return q;
  };
}
