import Database from 'better-sqlite3';
import type pg from 'pg';

/*
 * A migrated database described in terms both engines share, and the differences between
 * two descriptions, for the schema drift test: the two engines' migrations are generated
 * separately from one schema (db/schema/dialect.ts), and a hand-written or half-generated
 * migration on one side only would show here.
 */

/**
 * A column's kind, whatever the engine calls it. SQLite stores flags and times as integers
 * and JSON as text, and the file does not say which an integer column holds: a SQLite
 * column admits all the families of its storage, and matches a PostgreSQL column of any.
 */
export type TFamily = 'integer' | 'boolean' | 'time' | 'text' | 'json' | 'real' | 'blob' | `other ${string}`;

export interface TColumn {
  families: TFamily[];
  notNull: boolean;
  /** The default as written (normalised when compared), null without one. */
  default: string | null;
  /** Numbered by the database when inserted without a value (identity, AUTOINCREMENT). */
  identity: boolean;
}

export interface TIndex {
  columns: string[];
  unique: boolean;
  partial: boolean;
}

export interface TTable {
  columns: Record<string, TColumn>;
  primaryKey: string[];
  indexes: Record<string, TIndex>;
  /** `(from, …) -> table(to, …) on delete X on update Y`, sorted. */
  foreignKeys: string[];
}

export type TSchema = Record<string, TTable>;

/*
 * The full-text index is engine-specific by design: an FTS5 virtual table (and the shadow
 * tables FTS5 keeps its index in) on SQLite, a tsvector table on PostgreSQL. Each engine's
 * search tests cover it; it is left out of the comparison by name.
 */
const ENGINE_SPECIFIC = (table: string) => table === 'ticket_search' || table.startsWith('ticket_search_');

// ---- SQLite ----------------------------------------------------------------------------------

/** SQLite's affinity rules (datatype3.html §3.1), as families. */
function sqliteFamilies(declared: string): TFamily[] {
  const t = declared.toLowerCase();
  if (t.includes('int')) return ['integer', 'boolean', 'time'];
  if (/char|clob|text/.test(t)) return ['text', 'json'];
  if (t === '' || t.includes('blob')) return ['blob'];
  if (/real|floa|doub/.test(t)) return ['real'];
  return ['other numeric'];
}

export function describeSqlite(path: string): TSchema {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name`)
      .all() as { name: string; sql: string }[];
    const schema: TSchema = {};
    for (const { name, sql } of tables) {
      if (ENGINE_SPECIFIC(name)) continue;
      const q = (pragma: string) => db.prepare(`select * from pragma_${pragma}(?)`);
      const cols = q('table_xinfo').all(name) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }[];
      const pkCols = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      // Only a single INTEGER PRIMARY KEY aliases the rowid; AUTOINCREMENT keeps its numbers from being reused.
      const rowidAlias = pkCols.length === 1 && /^integer$/i.test(pkCols[0]!.type) && /\bautoincrement\b/i.test(sql);
      const columns: Record<string, TColumn> = {};
      for (const c of cols) {
        if (c.hidden !== 0) continue;
        columns[c.name] = {
          families: sqliteFamilies(c.type),
          // A primary key column is never null on PostgreSQL; SQLite's pragma leaves it unflagged.
          notNull: c.notnull === 1 || c.pk > 0,
          default: c.dflt_value,
          identity: rowidAlias && c.pk > 0,
        };
      }
      const indexes: Record<string, TIndex> = {};
      for (const ix of q('index_list').all(name) as { name: string; unique: number; origin: string; partial: number }[]) {
        if (ix.origin === 'pk') continue;
        const parts = (q('index_info').all(ix.name) as { seqno: number; name: string | null }[]).sort((a, b) => a.seqno - b.seqno);
        indexes[ix.name] = { columns: parts.map((p) => p.name ?? '(expression)'), unique: ix.unique === 1, partial: ix.partial === 1 };
      }
      const fks = new Map<number, { table: string; from: string[]; to: string[]; onDelete: string; onUpdate: string }>();
      for (const fk of q('foreign_key_list').all(name) as { id: number; seq: number; table: string; from: string; to: string | null; on_delete: string; on_update: string }[]) {
        const entry = fks.get(fk.id) ?? { table: fk.table, from: [], to: [], onDelete: fk.on_delete, onUpdate: fk.on_update };
        entry.from[fk.seq] = fk.from;
        entry.to[fk.seq] = fk.to ?? '(primary key)';
        fks.set(fk.id, entry);
      }
      schema[name] = {
        columns,
        primaryKey: pkCols.map((c) => c.name),
        indexes,
        foreignKeys: [...fks.values()].map((f) => formatForeignKey(f.from, f.table, f.to, f.onDelete, f.onUpdate)).sort(),
      };
    }
    return schema;
  } finally {
    db.close();
  }
}

// ---- PostgreSQL ------------------------------------------------------------------------------

function pgFamily(dataType: string): TFamily {
  if (['integer', 'bigint', 'smallint'].includes(dataType)) return 'integer';
  if (dataType === 'text' || dataType.startsWith('character')) return 'text';
  if (dataType === 'boolean') return 'boolean';
  if (dataType.startsWith('timestamp') || dataType === 'date') return 'time';
  if (dataType === 'json' || dataType === 'jsonb') return 'json';
  if (['real', 'double precision', 'numeric'].includes(dataType)) return 'real';
  if (dataType === 'bytea') return 'blob';
  return `other ${dataType}`;
}

const PG_FK_ACTION: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** The `public` schema of the database `client` is connected to (drizzle's own table lives in `drizzle`). */
export async function describePostgres(client: pg.Client): Promise<TSchema> {
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string }>(
    `select c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity
       from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`,
  );
  const schema: TSchema = {};
  const tableOf = (name: string) => (schema[name] ??= { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] });
  for (const c of cols.rows) {
    if (ENGINE_SPECIFIC(c.table_name)) continue;
    const serial = c.column_default?.startsWith('nextval(') ?? false;
    tableOf(c.table_name).columns[c.column_name] = {
      families: [pgFamily(c.data_type)],
      notNull: c.is_nullable === 'NO',
      default: serial ? null : c.column_default,
      identity: c.is_identity === 'YES' || serial,
    };
  }
  const columnsOf = (keys: string, rel: string) =>
    `array(select a.attname::text from unnest(${keys}) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.attnum order by k.n)`;
  const constraints = await client.query<{ table_name: string; contype: string; cols: string[]; ref_table: string | null; ref_cols: string[] | null; confdeltype: string; confupdtype: string }>(
    `select t.relname as table_name, con.contype,
            ${columnsOf('con.conkey', 'con.conrelid')} as cols,
            r.relname as ref_table,
            case when con.contype = 'f' then ${columnsOf('con.confkey', 'con.confrelid')} end as ref_cols,
            con.confdeltype, con.confupdtype
       from pg_constraint con
       join pg_class t on t.oid = con.conrelid
       join pg_namespace ns on ns.oid = t.relnamespace
       left join pg_class r on r.oid = con.confrelid
      where ns.nspname = 'public' and con.contype in ('p', 'f')`,
  );
  for (const c of constraints.rows) {
    if (ENGINE_SPECIFIC(c.table_name)) continue;
    const table = tableOf(c.table_name);
    if (c.contype === 'p') table.primaryKey = c.cols;
    else table.foreignKeys.push(formatForeignKey(c.cols, c.ref_table!, c.ref_cols!, PG_FK_ACTION[c.confdeltype]!, PG_FK_ACTION[c.confupdtype]!));
  }
  for (const t of Object.values(schema)) t.foreignKeys.sort();
  const indexes = await client.query<{ table_name: string; index_name: string; unique: boolean; partial: boolean; cols: (string | null)[] }>(
    `select t.relname as table_name, i.relname as index_name, x.indisunique as unique, x.indpred is not null as partial,
            array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
                    left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
                   where k.n <= x.indnkeyatts order by k.n) as cols
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_class t on t.oid = x.indrelid
       join pg_namespace ns on ns.oid = t.relnamespace
      where ns.nspname = 'public' and not x.indisprimary`,
  );
  for (const ix of indexes.rows) {
    if (ENGINE_SPECIFIC(ix.table_name)) continue;
    tableOf(ix.table_name).indexes[ix.index_name] = { columns: ix.cols.map((c) => c ?? '(expression)'), unique: ix.unique, partial: ix.partial };
  }
  return schema;
}

// ---- comparing -------------------------------------------------------------------------------

function formatForeignKey(from: string[], table: string, to: string[], onDelete: string, onUpdate: string): string {
  return `(${from.join(', ')}) -> ${table}(${to.join(', ')}) on delete ${onDelete.toLowerCase()} on update ${onUpdate.toLowerCase()}`;
}

/**
 * A default as one engine-neutral literal for the column's family: a flag's `0`/`false`,
 * JSON's `'[]'` and `'[]'::jsonb`, a number with or without a cast.
 */
export function normaliseDefault(value: string | null, families: TFamily[]): string | null {
  if (value === null) return null;
  let v = value.trim();
  // PostgreSQL writes the type of a literal after it ('open'::text, '[]'::jsonb, 0::bigint).
  v = v.replace(/::[a-z ]+(\(\d+\))?$/i, '');
  while (/^\(.*\)$/.test(v)) v = v.slice(1, -1).trim();
  if (families.includes('boolean')) {
    if (/^(0|false|'f')$/i.test(v)) return 'false';
    if (/^(1|true|'t')$/i.test(v)) return 'true';
  }
  if (families.includes('json') && /^'.*'$/s.test(v)) {
    try {
      return JSON.stringify(JSON.parse(v.slice(1, -1).replace(/''/g, "'")));
    } catch {
      return v;
    }
  }
  return v;
}

const show = (families: TFamily[]) => families.join('|');
const showIndex = (ix: TIndex) => `${ix.unique ? 'unique ' : ''}(${ix.columns.join(', ')})${ix.partial ? ' partial' : ''}`;

/**
 * Every difference between two descriptions, one readable line each (empty when they
 * match): `table.column: …`, `table: index …`, naming each side by its label.
 */
export function diffSchemas(left: { label: string; schema: TSchema }, right: { label: string; schema: TSchema }): string[] {
  const out: string[] = [];
  const [a, b] = [left.label, right.label];
  const names = (x: object, y: object) => [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  for (const tableName of names(left.schema, right.schema)) {
    const l = left.schema[tableName];
    const r = right.schema[tableName];
    if (!l || !r) {
      out.push(`${tableName}: table only on ${l ? a : b}`);
      continue;
    }
    for (const col of names(l.columns, r.columns)) {
      const lc = l.columns[col];
      const rc = r.columns[col];
      const at = `${tableName}.${col}`;
      if (!lc || !rc) {
        out.push(`${at}: column only on ${lc ? a : b}`);
        continue;
      }
      const common = lc.families.filter((f) => rc.families.includes(f));
      if (common.length === 0) out.push(`${at}: type ${a} ${show(lc.families)}, ${b} ${show(rc.families)}`);
      if (lc.notNull !== rc.notNull) out.push(`${at}: ${a} ${lc.notNull ? 'not null' : 'nullable'}, ${b} ${rc.notNull ? 'not null' : 'nullable'}`);
      const families = common.length > 0 ? common : [...lc.families, ...rc.families];
      const [ld, rd] = [normaliseDefault(lc.default, families), normaliseDefault(rc.default, families)];
      if (ld !== rd) out.push(`${at}: default ${a} ${lc.default ?? 'none'}, ${b} ${rc.default ?? 'none'}`);
      if (lc.identity !== rc.identity) out.push(`${at}: numbered by the database on ${lc.identity ? a : b} only`);
    }
    if (l.primaryKey.join() !== r.primaryKey.join()) out.push(`${tableName}: primary key ${a} (${l.primaryKey.join(', ')}), ${b} (${r.primaryKey.join(', ')})`);
    for (const ix of names(l.indexes, r.indexes)) {
      const li = l.indexes[ix];
      const ri = r.indexes[ix];
      if (!li || !ri) out.push(`${tableName}: index ${ix} ${showIndex((li ?? ri)!)} only on ${li ? a : b}`);
      else if (showIndex(li) !== showIndex(ri)) out.push(`${tableName}: index ${ix} ${a} ${showIndex(li)}, ${b} ${showIndex(ri)}`);
    }
    for (const fk of l.foreignKeys.filter((f) => !r.foreignKeys.includes(f))) out.push(`${tableName}: foreign key ${fk} only on ${a}`);
    for (const fk of r.foreignKeys.filter((f) => !l.foreignKeys.includes(f))) out.push(`${tableName}: foreign key ${fk} only on ${b}`);
  }
  return out;
}
