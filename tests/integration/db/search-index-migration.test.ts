import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * An installation upgraded across db/migrations/sqlite/0018 (the search index rebuilt with
 * rowids that name the ticket) finds what it found before: every existing ticket and reply,
 * internal notes marked, and the triggers keep the new index current. Raw SQLite, so the
 * test runs the same in either suite.
 */
const folder = join(__dirname, '../../../db/migrations/sqlite');
const files = readdirSync(folder).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
const dir = mkdtempSync(join(tmpdir(), 'portico-search-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apply(db: Database.Database, file: string) {
  for (const statement of readFileSync(join(folder, file), 'utf8').split('--> statement-breakpoint')) {
    if (statement.trim()) db.exec(statement);
  }
}

/** A row for `table` with every required column filled, `values` on top. */
function insert(db: Database.Database, table: string, values: Record<string, unknown>) {
  const row: Record<string, unknown> = {};
  for (const c of db.prepare(`pragma table_info(${table})`).all() as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[]) {
    if (c.notnull && c.dflt_value === null && !c.pk) row[c.name] = /INT/i.test(c.type) ? 1 : 'x';
  }
  Object.assign(row, values);
  const names = Object.keys(row);
  db.prepare(`insert into ${table} (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`).run(...names.map((n) => row[n]));
}

const ticketsMatching = (db: Database.Database, words: string, internal = true) =>
  (db.prepare(`select distinct rowid >> 32 as id from ticket_search where ticket_search match ?${internal ? '' : ' and (rowid & 1) = 0'} order by 1`).all(words) as { id: number }[]).map((r) => r.id);

describe('the search index migration (SQLite 0018)', () => {
  it('indexes the tickets and replies already there, and stays current after it', () => {
    const at = files.findIndex((f) => f.startsWith('0018_'));
    expect(at).toBeGreaterThan(0);
    const db = new Database(join(dir, 'portico.db'));
    for (const file of files.slice(0, at)) apply(db, file);
    db.pragma('foreign_keys = off'); // bare rows, without their companies and people
    insert(db, 'tickets', { id: 7, number: 7, subject: 'Printer offline', description: 'The plotter jams.', status: 'open' });
    insert(db, 'tickets', { id: 9, number: 9, subject: 'VPN slow', description: 'From home.', status: 'closed' });
    insert(db, 'ticket_comments', { id: 100, ticket_id: 7, body: 'Toner replaced, kerberos fine.', internal: 0 });
    insert(db, 'ticket_comments', { id: 101, ticket_id: 9, body: 'Spooler restarted on the gateway.', internal: 1 });

    for (const file of files.slice(at)) apply(db, file);
    expect(ticketsMatching(db, '"printer" "offl"*')).toEqual([7]);
    expect(ticketsMatching(db, '"kerberos"')).toEqual([7]);
    expect(ticketsMatching(db, '"spooler"')).toEqual([9]);
    expect(ticketsMatching(db, '"spooler"', false)).toEqual([]);

    // After the migration: a new reply, an edited subject, a released note, a deleted reply.
    insert(db, 'ticket_comments', { id: 102, ticket_id: 9, body: 'Zyxel firmware updated.', internal: 0 });
    db.prepare(`update tickets set subject = 'Laptop offline' where id = 7`).run();
    db.prepare('update ticket_comments set internal = 0 where id = 101').run();
    db.prepare('delete from ticket_comments where id = 100').run();
    expect(ticketsMatching(db, '"zyxel"', false)).toEqual([9]);
    expect(ticketsMatching(db, '"printer"')).toEqual([]);
    expect(ticketsMatching(db, '"laptop"')).toEqual([7]);
    expect(ticketsMatching(db, '"spooler"', false)).toEqual([9]);
    expect(ticketsMatching(db, '"kerberos"')).toEqual([]);
    db.close();
  });
});
