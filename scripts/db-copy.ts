import { parseArgs } from 'node:util';
import { isPostgresUrl } from '../db/engine';
import { CopyError, copySqliteToPostgres } from './lib/db-copy';

/*
 * npm run db:copy -- --from ./data/portico.db --to postgres://user@host:5432/portico
 * Moves a SQLite installation to PostgreSQL: migrates the target when it has no tables,
 * refuses one that holds any row, copies every table in one transaction (ids kept, each
 * identity set past them), and prints the rows copied per table. See scripts/lib/db-copy.ts.
 */

const USAGE = 'usage: npm run db:copy -- --from ./data/portico.db --to postgres://user@host:5432/database';

function fail(message: string): never {
  console.error(`db:copy: ${message}`);
  process.exit(1);
}

let values: { from?: string | undefined; to?: string | undefined };
try {
  ({ values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
if (!values.from || !values.to) fail(USAGE);
if (!isPostgresUrl(values.to)) fail(`--to must be a postgres:// URL\n${USAGE}`);

const shown = new URL(values.to);
if (shown.password) shown.password = '***';

try {
  const result = await copySqliteToPostgres({ from: values.from, to: values.to });
  const width = Math.max(...result.tables.map((t) => t.table.length), 'ticket_search'.length);
  console.log(`Copied ${values.from} to ${shown.toString()}:`);
  const byName = [...result.tables].sort((a, b) => a.table.localeCompare(b.table));
  for (const { table, rows } of byName) console.log(`  ${table.padEnd(width)} ${String(rows).padStart(8)}`);
  const total = result.tables.reduce((sum, t) => sum + t.rows, 0);
  console.log(`  ${'total'.padEnd(width)} ${String(total).padStart(8)}`);
  console.log(`  ${'ticket_search'.padEnd(width)} ${String(result.searchEntries).padStart(8)}  (built by PostgreSQL from tickets and comments)`);
} catch (err) {
  fail(err instanceof CopyError ? err.message : `${(err as Error).message}\nNo row was copied.`);
}
