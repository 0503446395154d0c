import { join } from 'node:path';
import { APP_ROOT } from '../server/core/app-root';
import { engineOf, onOwnConnection, writerOf, type TDb } from './client';

// Found from the sources and from the compiled server alike (dist/ holds no copy).
const folder = (engine: 'sqlite' | 'pg') => join(APP_ROOT, 'db/migrations', engine);

/**
 * PostgreSQL: a session-level advisory lock held while migrating (and, at start-up, seeding),
 * so nodes that start together on one database do it once: the others wait, then find
 * nothing left to do.
 */
export const MIGRATION_LOCK = 72_616_002;

/**
 * Applies the committed drizzle-kit migrations of the database's engine; shared by start-up,
 * scripts and tests. `then` runs after them under the same lock (start-up's seeding of an
 * empty database, which must also happen once).
 */
export async function migrateDatabase(db: TDb, then?: () => Promise<void>): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
    migrate(writerOf(db) as never, { migrationsFolder: folder('sqlite') });
    await then?.();
    return;
  }
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // The lock is held by a connection of its own for the whole time; the work uses the pool.
  await onOwnConnection(db, async (client) => {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(db as never, { migrationsFolder: folder('pg') });
      await then?.();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
