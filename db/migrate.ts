import { fileURLToPath } from 'node:url';
import { engineOf, writerOf, type TDb } from './client';

const folder = (engine: 'sqlite' | 'pg') => fileURLToPath(new URL(`./migrations/${engine}`, import.meta.url));

/** Applies the committed drizzle-kit migrations of the database's engine; shared by start-up, scripts and tests. */
export async function migrateDatabase(db: TDb): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
    migrate(writerOf(db) as never, { migrationsFolder: folder('sqlite') });
    return;
  }
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  await migrate(db as never, { migrationsFolder: folder('pg') });
}
