import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';

/*
 * Copies a SQLite installation into an empty PostgreSQL database (`npm run db:copy`). Both
 * are opened raw, without the app's schema, which is built for one engine per process
 * (db/engine.ts); the target's own catalogue says what each column is, and each value is
 * converted to it: integer milliseconds to timestamps, 0/1 to booleans, JSON text to jsonb.
 */

const MIGRATIONS = {
  sqlite: fileURLToPath(new URL('../../db/migrations/sqlite', import.meta.url)),
  pg: fileURLToPath(new URL('../../db/migrations/pg', import.meta.url)),
};

/*
 * The full-text index is not copied: PostgreSQL's triggers (db/migrations/pg/0001_ticket_search.sql)
 * index each ticket and comment as it is inserted; SQLite's FTS5 table and its shadow tables
 * have no counterpart.
 */
const NOT_COPIED = (table: string) => table === 'ticket_search' || table.startsWith('ticket_search_');

/** PostgreSQL caps a statement at 65,535 parameters; a thousand rows a statement is past where bigger batches pay. */
const MAX_PARAMS = 65_535;
const MAX_ROWS_PER_INSERT = 1000;

export class CopyError extends Error {}

export interface TCopyOptions {
  /** The SQLite file (the installation's DATABASE_PATH). */
  from: string;
  /** A postgres:// URL of an empty database (migrated here when it has no tables yet). */
  to: string;
}

export interface TCopyResult {
  /** Rows copied per table, in the order they were copied. */
  tables: { table: string; rows: number }[];
  /** Entries PostgreSQL's triggers made in the full-text index. */
  searchEntries: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface TColumn {
  name: string;
  dataType: string;
  /** Numbered by a sequence (identity or serial). */
  numbered: boolean;
}

interface TPlan {
  table: string;
  columns: TColumn[];
  primaryKey: string[];
}

export async function copySqliteToPostgres(options: TCopyOptions): Promise<TCopyResult> {
  let source: Database.Database;
  try {
    source = new Database(options.from, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyError(`cannot open ${options.from}: ${(err as Error).message}`);
  }
  const target = new pg.Client({ connectionString: options.to });
  try {
    checkSourceVersion(source, options.from);
    await target.connect();
    await refuseNonEmpty(target);
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(drizzle(target), { migrationsFolder: MIGRATIONS.pg });

    const plans = await planCopy(source, target);
    // One read transaction: the copy is of one moment even if the server still writes.
    source.exec('BEGIN');
    await target.query('BEGIN');
    try {
      const tables: TCopyResult['tables'] = [];
      for (const plan of plans) tables.push({ table: plan.table, rows: await copyTable(source, target, plan) });
      await advanceSequences(source, target, plans);
      const search = await target.query<{ n: string }>(`select count(*) as n from ticket_search`);
      await target.query('COMMIT');
      await target.query('ANALYZE');
      return { tables, searchEntries: Number(search.rows[0]!.n) };
    } catch (err) {
      await target.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      source.exec('COMMIT');
    }
  } finally {
    source.close();
    await target.end().catch(() => {});
  }
}

/** The source must be at this version's last migration: its columns are what the target's are. */
function checkSourceVersion(source: Database.Database, from: string): void {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS.sqlite}/meta/_journal.json`, 'utf8')) as { entries: { when: number; tag: string }[] };
  const latest = journal.entries.at(-1)!;
  let applied: number | null;
  try {
    applied = (source.prepare(`select max(created_at) as at from __drizzle_migrations`).get() as { at: number | null }).at;
  } catch {
    throw new CopyError(`${from} is not a Portico database (it has no migrations table)`);
  }
  if (applied === null || Number(applied) < latest.when) {
    throw new CopyError(`${from} is not migrated to this version (${latest.tag}): run \`DATABASE_PATH=${from} npm run db:migrate\` first`);
  }
  if (Number(applied) > latest.when) throw new CopyError(`${from} was migrated by a newer Portico than this one: copy it with that version`);
}

async function refuseNonEmpty(target: pg.Client): Promise<void> {
  const tables = await target.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const withRows: string[] = [];
  for (const { name } of tables.rows) {
    const r = await target.query<{ any: boolean }>(`select exists (select 1 from ${quote(name)}) as any`);
    if (r.rows[0]!.any) withRows.push(name);
  }
  if (withRows.length > 0) {
    throw new CopyError(`the target database already holds data (${withRows.slice(0, 5).join(', ')}${withRows.length > 5 ? ', …' : ''}): db:copy fills only an empty database`);
  }
}

/** The tables in foreign-key order (each after the tables it refers to), with the target's columns. */
async function planCopy(source: Database.Database, target: pg.Client): Promise<TPlan[]> {
  const cols = await target.query<{ table_name: string; column_name: string; data_type: string; numbered: boolean }>(
    `select c.table_name, c.column_name, c.data_type, (c.is_identity = 'YES' or c.column_default like 'nextval(%') as numbered
       from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`,
  );
  const columns = new Map<string, TColumn[]>();
  for (const c of cols.rows) {
    if (NOT_COPIED(c.table_name)) continue;
    const list = columns.get(c.table_name) ?? [];
    list.push({ name: c.column_name, dataType: c.data_type, numbered: c.numbered });
    columns.set(c.table_name, list);
  }
  const constraints = await target.query<{ child: string; parent: string | null; contype: string; cols: string[] }>(
    `select t.relname as child, r.relname as parent, con.contype,
            array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, n)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.n) as cols
       from pg_constraint con
       join pg_class t on t.oid = con.conrelid
       join pg_namespace ns on ns.oid = t.relnamespace
       left join pg_class r on r.oid = con.confrelid
      where ns.nspname = 'public' and con.contype in ('f', 'p')`,
  );
  const parents = new Map<string, Set<string>>([...columns.keys()].map((t) => [t, new Set<string>()]));
  const primaryKeys = new Map<string, string[]>();
  for (const c of constraints.rows) {
    if (c.contype === 'p') primaryKeys.set(c.child, c.cols);
    // A table's references to itself are met by copying in primary-key order.
    else if (c.parent && c.parent !== c.child) parents.get(c.child)?.add(c.parent);
  }

  const sourceTables = (source.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'`).all() as { name: string }[])
    .map((t) => t.name)
    .filter((t) => !NOT_COPIED(t));
  const onlyInSource = sourceTables.filter((t) => !columns.has(t));
  const onlyInTarget = [...columns.keys()].filter((t) => !sourceTables.includes(t));
  if (onlyInSource.length || onlyInTarget.length) {
    throw new CopyError(`the two schemas differ: ${[...onlyInSource.map((t) => `${t} only in the SQLite file`), ...onlyInTarget.map((t) => `${t} only in PostgreSQL`)].join('; ')}`);
  }
  for (const [table, list] of columns) {
    const have = new Set((source.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name));
    const missing = list.filter((c) => !have.has(c.name)).map((c) => c.name);
    const extra = [...have].filter((n) => !list.some((c) => c.name === n));
    if (missing.length || extra.length) {
      throw new CopyError(`the two schemas differ in ${table}: ${[...missing.map((c) => `${c} only in PostgreSQL`), ...extra.map((c) => `${c} only in the SQLite file`)].join('; ')}`);
    }
  }

  const order: string[] = [];
  const remaining = new Map(parents);
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, ps]) => [...ps].every((p) => !remaining.has(p))).map(([t]) => t).sort();
    if (ready.length === 0) throw new CopyError(`the foreign keys between ${[...remaining.keys()].join(', ')} form a cycle`);
    for (const t of ready) {
      order.push(t);
      remaining.delete(t);
    }
  }
  return order.map((table) => ({ table, columns: columns.get(table)!, primaryKey: primaryKeys.get(table) ?? [] }));
}

/** How a SQLite value becomes the value of a PostgreSQL column of this type. */
function converterFor(dataType: string, where: string): (v: unknown) => unknown {
  if (dataType === 'boolean') {
    return (v) => {
      if (v === null || typeof v === 'boolean') return v;
      if (v === 0 || v === 1 || v === 0n || v === 1n) return Number(v) === 1;
      throw new CopyError(`${where}: ${String(v)} is not a flag (0 or 1)`);
    };
  }
  if (dataType.startsWith('timestamp') || dataType === 'date') {
    // The schema keeps times as integer milliseconds on SQLite; the ISO form (UTC) is read the
    // same by timestamptz and by timestamp, which the app reads as UTC.
    return (v) => (typeof v === 'number' || typeof v === 'bigint' ? new Date(Number(v)).toISOString() : v);
  }
  if (dataType === 'json' || dataType === 'jsonb') {
    // JSON text is passed as it is and parsed by PostgreSQL; anything else stored there becomes its JSON.
    return (v) => (v === null || typeof v === 'string' ? v : JSON.stringify(typeof v === 'bigint' ? Number(v) : v));
  }
  return (v) => (typeof v === 'bigint' ? v.toString() : v);
}

async function copyTable(source: Database.Database, target: pg.Client, plan: TPlan): Promise<number> {
  const names = plan.columns.map((c) => quote(c.name));
  const convert = plan.columns.map((c) => converterFor(c.dataType, `${plan.table}.${c.name}`));
  const orderBy = plan.primaryKey.length ? plan.primaryKey.map(quote).join(', ') : 'rowid';
  const rows = source.prepare(`select ${names.join(', ')} from ${quote(plan.table)} order by ${orderBy}`).raw(true);
  const perInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / names.length)));
  // Explicit ids, whether the identity is BY DEFAULT or ALWAYS.
  const head = `insert into ${quote(plan.table)} (${names.join(', ')}) overriding system value values `;
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const params: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);
    await target.query(head + tuples.join(', '), params);
    copied += batch.length;
    batch = [];
  };
  for (const row of rows.iterate() as IterableIterator<unknown[]>) {
    batch.push(row.map((v, i) => convert[i]!(v)));
    if (batch.length === perInsert) await flush();
  }
  await flush();
  return copied;
}

/**
 * Each identity's next number past the copied ids, and past any SQLite AUTOINCREMENT had
 * already handed out (rows deleted since), so no id is ever reused.
 */
async function advanceSequences(source: Database.Database, target: pg.Client, plans: TPlan[]): Promise<void> {
  let sqliteSequence = new Map<string, number>();
  try {
    sqliteSequence = new Map((source.prepare(`select name, seq from sqlite_sequence`).all() as { name: string; seq: number }[]).map((r) => [r.name, Number(r.seq)]));
  } catch {
    // No AUTOINCREMENT table: no sqlite_sequence.
  }
  for (const plan of plans) {
    for (const col of plan.columns.filter((c) => c.numbered)) {
      const seq = await target.query<{ seq: string | null }>(`select pg_get_serial_sequence($1, $2) as seq`, [quote(plan.table), col.name]);
      const name = seq.rows[0]!.seq;
      if (!name) continue;
      const max = await target.query<{ max: string | null }>(`select max(${quote(col.name)})::bigint as max from ${quote(plan.table)}`);
      const last = Math.max(Number(max.rows[0]!.max ?? 0), plan.primaryKey.length === 1 && plan.primaryKey[0] === col.name ? (sqliteSequence.get(plan.table) ?? 0) : 0);
      if (last > 0) await target.query(`select setval($1, $2, true)`, [name, last]);
    }
  }
}
