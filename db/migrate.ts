import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { TDb } from './client';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations; shared by start-up, scripts and tests. */
export function migrateDatabase(db: TDb): void {
  migrate(db, { migrationsFolder });
}
