import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTsQuery } from '../../../server/tickets/search-query';
import { NO_POSTGRES, postgresServerUrl, scratchPostgres, type TScratchPg } from '../../helpers/scratch-databases';

/*
 * `npm run db:copy`: the demo installation seeded into a SQLite file, copied into a fresh
 * PostgreSQL database by the script itself (a child process, as an operator runs it), then
 * both read back raw and compared table by table. Runs in both suites, whatever engine the
 * process is on: the seeding is a child process on SQLite too.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const server = postgresServerUrl();

interface TRun {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<TRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Object keys sorted, so equal JSON (text on SQLite, jsonb on PostgreSQL) reads the same. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

type TFamily = 'boolean' | 'time' | 'json' | 'integer' | 'other';
const familyOf = (dataType: string): TFamily =>
  dataType === 'boolean' ? 'boolean' : dataType.startsWith('timestamp') ? 'time' : dataType.startsWith('json') ? 'json' : /int/.test(dataType) ? 'integer' : 'other';

/** A value as both engines should hold it: times as ms, flags as booleans, JSON parsed. */
function normalise(v: unknown, family: TFamily): unknown {
  if (v === null || v === undefined) return null;
  switch (family) {
    case 'boolean':
      return typeof v === 'boolean' ? v : v === 1;
    case 'time':
      return v instanceof Date ? v.getTime() : Number(v);
    case 'json':
      return canonical(typeof v === 'string' ? JSON.parse(v) : v);
    case 'integer':
      return Number(v);
    default:
      return Buffer.isBuffer(v) ? v.toString('base64') : v;
  }
}

interface TTableSummary {
  rows: number;
  checksum: string;
}

interface TLayout {
  table: string;
  columns: { name: string; family: TFamily }[];
  primaryKey: string[];
}

/** Every copied table's columns (as PostgreSQL types them) and primary key. */
async function layoutOf(client: pg.Client): Promise<TLayout[]> {
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and table_name <> 'ticket_search' order by table_name, ordinal_position`,
  );
  const pks = await client.query<{ table_name: string; cols: string[] }>(
    `select t.relname as table_name,
            array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
                    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as cols
       from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace ns on ns.oid = t.relnamespace
      where ns.nspname = 'public' and c.contype = 'p'`,
  );
  const layouts = new Map<string, TLayout>();
  for (const c of cols.rows) {
    const l = layouts.get(c.table_name) ?? { table: c.table_name, columns: [], primaryKey: pks.rows.find((p) => p.table_name === c.table_name)?.cols ?? [] };
    l.columns.push({ name: c.column_name, family: familyOf(c.data_type) });
    layouts.set(c.table_name, l);
  }
  return [...layouts.values()];
}

/** Row count and a hash of the canonical JSON of all rows, in primary-key order (compared in JS: the engines collate text differently). */
function summarise(layout: TLayout, rows: Record<string, unknown>[]): TTableSummary {
  const normalised = rows.map((r) => Object.fromEntries(layout.columns.map((c) => [c.name, normalise(r[c.name], c.family)])));
  const key = (r: Record<string, unknown>) => layout.primaryKey.map((k) => r[k]);
  normalised.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      const [x, y] = [ka[i] as number | string, kb[i] as number | string];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return { rows: rows.length, checksum: createHash('sha256').update(JSON.stringify(normalised)).digest('hex') };
}

async function summariseBoth(file: string, url: string): Promise<{ sqlite: Record<string, TTableSummary>; pg: Record<string, TTableSummary> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sqlite = new Database(file, { readonly: true });
  try {
    const out = { sqlite: {} as Record<string, TTableSummary>, pg: {} as Record<string, TTableSummary> };
    for (const layout of await layoutOf(client)) {
      const names = layout.columns.map((c) => `"${c.name}"`).join(', ');
      out.sqlite[layout.table] = summarise(layout, sqlite.prepare(`select ${names} from "${layout.table}"`).all() as Record<string, unknown>[]);
      out.pg[layout.table] = summarise(layout, (await client.query(`select ${names} from "${layout.table}"`)).rows as Record<string, unknown>[]);
    }
    return out;
  } finally {
    sqlite.close();
    await client.end();
  }
}

describe('npm run db:copy', () => {
  let dir = '';
  let file = '';
  let target: TScratchPg | undefined;
  let copy: TRun;

  beforeAll(async () => {
    if (!server) return;
    dir = mkdtempSync(join(tmpdir(), 'portico-db-copy-'));
    file = join(dir, 'portico.db');
    // The demo installation, as `npm run db:seed` makes it (an empty DATABASE_URL means SQLite).
    const seed = await run(['server/seed/seed-cli.ts'], { DATABASE_URL: '', DATABASE_PATH: file, DATA_DIR: join(dir, 'files'), NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    expect(seed.stderr).toBe('');
    expect(seed.code).toBe(0);
    // A deleted last event: SQLite's AUTOINCREMENT never hands its id out again, nor may PostgreSQL.
    const sqlite = new Database(file);
    sqlite.prepare(`delete from events where id = (select max(id) from events)`).run();
    sqlite.close();
    target = await scratchPostgres(server, 'copy');
    copy = await run(['scripts/db-copy.ts', '--from', file, '--to', target.url]);
  }, 90_000);

  afterAll(async () => {
    await target?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table: the same rows, values converted, and prints the counts', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    const both = await summariseBoth(file, target!.url);
    expect(Object.keys(both.pg).length).toBeGreaterThan(40);
    // The demo data fills enough of the schema for the comparison to mean something.
    expect(Object.values(both.sqlite).filter((t) => t.rows > 0).length).toBeGreaterThan(20);
    expect(both.pg).toEqual(both.sqlite);
    for (const [table, { rows }] of Object.entries(both.sqlite)) expect(copy.stdout).toMatch(new RegExp(`^\\s+${table}\\s+${rows}$`, 'm'));
  });

  it('numbers new rows past the copied ids and past ids SQLite handed out before', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    const sqlite = new Database(file, { readonly: true });
    const maxComment = (sqlite.prepare(`select max(id) as id from ticket_comments`).get() as { id: number }).id;
    const lastEvent = (sqlite.prepare(`select seq from sqlite_sequence where name = 'events'`).get() as { seq: number }).seq;
    const maxEvent = (sqlite.prepare(`select max(id) as id from events`).get() as { id: number }).id;
    sqlite.close();
    expect(lastEvent).toBeGreaterThan(maxEvent);

    const client = new pg.Client({ connectionString: target!.url });
    await client.connect();
    try {
      const comment = await client.query<{ id: number }>(
        `insert into ticket_comments (ticket_id, author_name, author_side, body, internal, source, created_at)
         select ticket_id, author_name, author_side, 'zebracrossing after the move', false, source, now() from ticket_comments where id = $1
         returning id`,
        [maxComment],
      );
      expect(comment.rows[0]!.id).toBe(maxComment + 1);
      const event = await client.query<{ id: number }>(`insert into events (topic, kind, payload, created_at) values ('t', 'k', '{}', now()) returning id`);
      expect(event.rows[0]!.id).toBe(lastEvent + 1);
      // The new comment is indexed too (the triggers the copy relied on are in place).
      const found = await client.query(`select 1 from ticket_search where key = $1 and words @@ to_tsquery('portico_search', $2)`, [comment.rows[0]!.id, toTsQuery('zebracrossing')]);
      expect(found.rowCount).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('builds the search index: a copied ticket is found by its words', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    const sqlite = new Database(file, { readonly: true });
    const tickets = sqlite.prepare(`select id, subject from tickets order by id`).all() as { id: number; subject: string }[];
    const comment = sqlite.prepare(`select ticket_id, body from ticket_comments where internal = 0 order by id limit 1`).get() as { ticket_id: number; body: string };
    sqlite.close();
    const client = new pg.Client({ connectionString: target!.url });
    await client.connect();
    try {
      const search = async (words: string) =>
        (await client.query<{ ticket_id: number }>(`select distinct ticket_id from ticket_search where words @@ to_tsquery('portico_search', $1) order by 1`, [toTsQuery(words)])).rows.map((r) => r.ticket_id);
      for (const t of tickets) expect(await search(t.subject)).toContain(t.id);
      const word = comment.body.split(/[^\p{L}]+/u).sort((a, b) => b.length - a.length)[0]!;
      expect(await search(word)).toContain(comment.ticket_id);
      expect(await search('nowordlikethisanywhere')).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses a target that already holds data, and changes nothing', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    const before = (await summariseBoth(file, target!.url)).pg;
    const again = await run(['scripts/db-copy.ts', '--from', file, '--to', target!.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data \(assets, /);
    expect((await summariseBoth(file, target!.url)).pg).toEqual(before);
  });

  it('refuses a SQLite file not at this version, before touching the target', async (ctx) => {
    if (!server) return ctx.skip(NO_POSTGRES);
    const old = join(dir, 'old.db');
    const sqlite = new Database(file, { readonly: true });
    await sqlite.backup(old);
    sqlite.close();
    const behind = new Database(old);
    behind.prepare(`delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)`).run();
    behind.close();
    const fresh = await scratchPostgres(server, 'copy_old');
    try {
      const result = await run(['scripts/db-copy.ts', '--from', old, '--to', fresh.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is not migrated to this version .*npm run db:migrate/);
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const tables = await client.query(`select 1 from information_schema.tables where table_schema = 'public'`).finally(() => client.end());
      expect(tables.rowCount).toBe(0);
    } finally {
      await fresh.drop();
    }
  });
});
