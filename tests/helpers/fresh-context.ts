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

/** A service context on a fresh, migrated SQLite file, with a clock the test moves. */
export function freshContext(start = new Date('2026-11-01T09:00:00Z')): { ctx: ServiceContext; clock: FixedClock; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portico-unit-'));
  const settings = loadSettings({ NODE_ENV: 'test', DATABASE_PATH: join(dir, 'p.db'), LOG_LEVEL: 'silent' }, '/nonexistent.env');
  const db = openDatabase(settings.DATABASE_PATH);
  migrateDatabase(db);
  const clock = new FixedClock(start);
  const ctx = createServiceContext({ db, settings, clock, log: createLogger('silent') });
  return {
    ctx,
    clock,
    cleanup() {
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
