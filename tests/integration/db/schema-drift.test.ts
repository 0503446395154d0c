import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describePostgres, describeSqlite, diffSchemas } from '../../helpers/schema-description';
import { migratePostgres, migrateSqliteFile, NO_POSTGRES, postgresServerUrl, scratchPostgres } from '../../helpers/scratch-databases';

/*
 * The two engines' migrations are generated separately from one schema; this migrates a
 * fresh database of each and compares tables, columns (kind, nullability, default),
 * primary keys, indexes and foreign keys. Runs in both suites, whichever engine the process
 * is on: both databases are opened raw (tests/helpers/scratch-databases.ts). The comparison
 * itself is tested on drifted descriptions in tests/unit/structure/schema-diff.test.ts.
 */

const server = postgresServerUrl();

describe('schema drift between the engines', () => {
  it('the migrated SQLite and PostgreSQL schemas match', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    const dir = mkdtempSync(join(tmpdir(), 'portico-drift-'));
    const scratch = await scratchPostgres(server, 'drift');
    try {
      const file = join(dir, 'portico.db');
      await migrateSqliteFile(file);
      await migratePostgres(scratch.url);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      const onPg = await describePostgres(client).finally(() => client.end());
      const onSqlite = describeSqlite(file);
      // Something to compare: a broken description on both sides would match too.
      expect(Object.keys(onSqlite).length).toBeGreaterThan(40);
      expect(Object.keys(onPg).length).toBeGreaterThan(40);

      const drift = diffSchemas({ label: 'sqlite', schema: onSqlite }, { label: 'pg', schema: onPg });
      expect(drift.join('\n'), 'the migrations of the two engines differ').toBe('');
    } finally {
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
