import * as pg from 'drizzle-orm/pg-core';
import * as lite from 'drizzle-orm/sqlite-core';
import { ENGINE } from '../engine';

/*
 * One schema for both engines. Each table is defined once with these builders, which make
 * PostgreSQL (pg-core) or SQLite (sqlite-core) tables and columns for the engine of this
 * process. The TypeScript types are pg-core's for both: the two dialects' query builders
 * share everything the services use (select, insert, update, delete, returning, on
 * conflict, joins), and pg-core's types admit only the awaited form, which both run. The
 * columns map as:
 *   id()         integer identity primary key  | integer primary key autoincrement
 *   int()        integer                       | integer
 *   text()       text (an enum checked by TS)  | text
 *   timestamp()  timestamptz(3), a Date        | integer milliseconds, a Date
 *   flag()       boolean                       | integer 0/1, a boolean
 *   json<T>()    jsonb                         | text holding JSON
 * drizzle-kit generates each dialect's migrations from the same definitions
 * (drizzle.sqlite.config.ts, drizzle.pg.config.ts); a test compares the migrated databases.
 */

const isPg = ENGINE === 'pg';

export const table = (isPg ? pg.pgTable : lite.sqliteTable) as unknown as typeof pg.pgTable;
export const int = (isPg ? pg.integer : lite.integer) as unknown as typeof pg.integer;
export const text = (isPg ? pg.text : lite.text) as unknown as typeof pg.text;
export const index = (isPg ? pg.index : lite.index) as unknown as typeof pg.index;
export const uniqueIndex = (isPg ? pg.uniqueIndex : lite.uniqueIndex) as unknown as typeof pg.uniqueIndex;
export const primaryKey = (isPg ? pg.primaryKey : lite.primaryKey) as unknown as typeof pg.primaryKey;

const pgId = (name: string) => pg.integer(name).primaryKey().generatedByDefaultAsIdentity();
const pgTimestamp = (name: string) => pg.timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/** The table's own id: assigned by the database, never reused. */
export function id(name = 'id'): ReturnType<typeof pgId> {
  return isPg ? pgId(name) : (lite.integer(name).primaryKey({ autoIncrement: true }) as unknown as ReturnType<typeof pgId>);
}

/** A point in time, read as a Date, to the millisecond on both engines. */
export function timestamp(name: string): ReturnType<typeof pgTimestamp> {
  return isPg ? pgTimestamp(name) : (lite.integer(name, { mode: 'timestamp_ms' }) as unknown as ReturnType<typeof pgTimestamp>);
}

export function flag(name: string): ReturnType<typeof pg.boolean> {
  return isPg ? pg.boolean(name) : (lite.integer(name, { mode: 'boolean' }) as unknown as ReturnType<typeof pg.boolean>);
}

export function json<T>(name: string) {
  return (isPg ? pg.jsonb(name) : (lite.text(name, { mode: 'json' }) as unknown as ReturnType<typeof pg.jsonb>)).$type<T>();
}

/** The same table under another name in one query (a second join to it). */
export const alias = (isPg ? pg.alias : lite.alias) as unknown as typeof pg.alias;
