import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { FixedClock } from '../../server/core/clock';
import type { ServiceContext } from '../../server/core/context';
import { createServiceContext } from '../../server/core/create-service-context';
import { createLogger } from '../../server/core/logger';
import { loadSettings } from '../../server/settings';
import { testDatabase } from './test-database';

/** A service context on a fresh, migrated database (SQLite file or PostgreSQL), with a clock the test moves. */
export async function freshContext(start = new Date('2026-11-01T09:00:00Z')): Promise<{ ctx: ServiceContext; clock: FixedClock; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-unit-'));
  const database = await testDatabase(dir);
  const settings = loadSettings({ NODE_ENV: 'test', ...database.env, DATA_DIR: join(dir, 'files'), LOG_LEVEL: 'silent' }, '/nonexistent.env');
  const db = await openDatabase(settings);
  await migrateDatabase(db);
  const clock = new FixedClock(start);
  const ctx = createServiceContext({ db, settings, clock, log: createLogger('silent') });
  return {
    ctx,
    clock,
    async cleanup() {
      await closeDatabase(db);
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
