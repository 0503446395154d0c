import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSqlite, diffSchemas, type TSchema, type TTable } from '../../helpers/schema-description';
import { migrateSqliteFile } from '../../helpers/scratch-databases';

/*
 * The comparison behind the schema drift test (tests/integration/db/schema-drift.test.ts),
 * fed deliberately drifted descriptions: each kind of drift must show as a line, and the
 * engines' different spellings of one thing must not.
 */

let dir: string;
let migrated: TSchema;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-schema-diff-'));
  const file = join(dir, 'portico.db');
  await migrateSqliteFile(file);
  migrated = describeSqlite(file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const diff = (left: TSchema, right: TSchema) => diffSchemas({ label: 'sqlite', schema: left }, { label: 'pg', schema: right });

describe('schema comparison', () => {
  it('describes the migrated SQLite schema without the full-text tables', () => {
    expect(Object.keys(migrated)).toContain('tickets');
    expect(migrated.tickets!.columns.status).toMatchObject({ notNull: true, default: "'open'" });
    expect(migrated.tickets!.indexes.tickets_provider_number).toEqual({ columns: ['provider_id', 'number'], unique: true, partial: false });
    expect(migrated.ticket_comments!.foreignKeys).toContain('(ticket_id) -> tickets(id) on delete no action on update no action');
    expect(Object.keys(migrated).filter((t) => t.startsWith('ticket_search'))).toEqual([]);
    expect(diff(migrated, migrated)).toEqual([]);
  });

  it('reports each kind of drift, one line each', () => {
    const drifted: TSchema = structuredClone(migrated);
    const tickets = drifted.tickets!;
    delete tickets.columns.category;
    tickets.columns.priority!.notNull = false;
    tickets.columns.status!.default = "'closed'";
    tickets.columns.subject!.families = ['integer'];
    tickets.indexes.tickets_provider_number!.unique = false;
    tickets.indexes.tickets_company_updated!.columns = ['company_id', 'updated_at'];
    delete tickets.indexes.tickets_provider_updated;
    drifted.ticket_comments!.foreignKeys = drifted.ticket_comments!.foreignKeys.map((f) => f.replace('-> tickets(id) on delete no action', '-> tickets(id) on delete cascade'));
    drifted.ticket_watchers!.primaryKey = ['ticket_id'];
    delete drifted.sessions;
    drifted.extra = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };

    const byId = (ix: { columns: string[] }) => `(${ix.columns.join(', ')})`;
    expect(diff(migrated, drifted)).toEqual([
      'extra: table only on pg',
      'sessions: table only on sqlite',
      'ticket_comments: foreign key (ticket_id) -> tickets(id) on delete no action on update no action only on sqlite',
      'ticket_comments: foreign key (ticket_id) -> tickets(id) on delete cascade on update no action only on pg',
      `ticket_watchers: primary key sqlite (${migrated.ticket_watchers!.primaryKey.join(', ')}), pg (ticket_id)`,
      'tickets.category: column only on sqlite',
      'tickets.priority: sqlite not null, pg nullable',
      "tickets.status: default sqlite 'open', pg 'closed'",
      'tickets.subject: type sqlite text|json, pg integer',
      `tickets: index tickets_company_updated sqlite ${byId(migrated.tickets!.indexes.tickets_company_updated!)}, pg (company_id, updated_at)`,
      'tickets: index tickets_provider_number sqlite unique (provider_id, number), pg (provider_id, number)',
      `tickets: index tickets_provider_updated ${byId(migrated.tickets!.indexes.tickets_provider_updated!)} only on sqlite`,
    ]);
  });

  it("matches the engines' spellings of one column, and not of different ones", () => {
    const col = (families: TTable['columns'][string]['families'], dflt: string | null, identity = false) => ({ families, notNull: true, default: dflt, identity });
    const table = (columns: TTable['columns']): TSchema => ({ t: { columns, primaryKey: ['id'], indexes: {}, foreignKeys: [] } });
    const sqlite = table({
      id: col(['integer', 'boolean', 'time'], null, true),
      a: col(['integer', 'boolean', 'time'], '0'),
      b: col(['integer', 'boolean', 'time'], 'false'),
      c: col(['text', 'json'], "'[]'"),
      d: col(['integer', 'boolean', 'time'], null),
      e: col(['text', 'json'], "'open'"),
      f: col(['text', 'json'], null),
      g: col(['integer', 'boolean', 'time'], '1'),
      h: col(['integer', 'boolean', 'time'], '1001'),
    });
    const pg = table({
      id: col(['integer'], null, true),
      a: col(['boolean'], 'false'),
      b: col(['boolean'], 'false'),
      c: col(['json'], "'[]'::jsonb"),
      d: col(['time'], null),
      e: col(['text'], "'open'::text"),
      f: col(['boolean'], null),
      g: col(['boolean'], 'false'),
      h: col(['integer'], '1001'),
    });
    expect(diff(sqlite, pg)).toEqual(['t.f: type sqlite text|json, pg boolean', 't.g: default sqlite 1, pg false']);
    pg.t!.columns.id!.identity = false;
    expect(diff(sqlite, pg)).toContain('t.id: numbered by the database on sqlite only');
  });
});
