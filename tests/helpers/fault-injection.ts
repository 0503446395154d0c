import { engineOf, rawExecOnWriter, type TDb } from '../../db/client';

/*
 * Makes inserts into a table fail, as a full disk would, until restored: a trigger that
 * raises (SQLite: a temporary one on the write connection; PostgreSQL: a trigger function).
 */
export async function failInserts(db: TDb, table: string, message: string): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    await rawExecOnWriter(db, `CREATE TEMP TRIGGER ${table}_down BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END;`);
    return;
  }
  await rawExecOnWriter(db, `CREATE FUNCTION ${table}_down() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$ LANGUAGE plpgsql`);
  await rawExecOnWriter(db, `CREATE TRIGGER ${table}_down BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_down()`);
}

export async function restoreInserts(db: TDb, table: string): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    await rawExecOnWriter(db, `DROP TRIGGER ${table}_down`);
    return;
  }
  await rawExecOnWriter(db, `DROP TRIGGER ${table}_down ON ${table}`);
  await rawExecOnWriter(db, `DROP FUNCTION ${table}_down()`);
}

/**
 * The messages of an error and of its causes, joined: drizzle wraps PostgreSQL's errors
 * ("Failed query: …", the database's own message in `cause`) but not better-sqlite3's, so a
 * fault's message is looked for along the chain. '' when nothing was thrown.
 */
export function faultMessages(err: unknown): string {
  const out: string[] = [];
  for (let e: unknown = err; e instanceof Error && out.length < 5; e = e.cause) out.push(e.message);
  return out.join('\n');
}
