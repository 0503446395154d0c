import pg from 'pg';
import { closeDatabase, openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { databaseUrl } from '../db/pg-databases';
import { loadSettings } from '../server/settings';
import { PG_RUN_PREFIX, PG_TEMPLATE } from './helpers/test-database';

/*
 * `npm run test:pg`: once per run, the migrated template every test database is copied from
 * (tests/helpers/test-database.ts), after dropping what an interrupted run of the same name
 * left behind; all of the run's databases are dropped at the end.
 */

export default async function setup(): Promise<() => Promise<void>> {
  const base = process.env.DATABASE_URL!;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const dropAll = async () => {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1)`, [PG_RUN_PREFIX]);
    for (const { datname } of rows) {
      if (datname === PG_TEMPLATE) await admin.query(`alter database ${datname} is_template false`);
      await admin.query(`drop database if exists ${datname} with (force)`);
    }
  };
  await dropAll();
  await admin.query(`create database ${PG_TEMPLATE}`);
  const settings = loadSettings({ NODE_ENV: 'test', DATABASE_URL: databaseUrl(base, PG_TEMPLATE), LOG_LEVEL: 'silent' }, '/nonexistent.env');
  const db = await openDatabase(settings);
  await migrateDatabase(db);
  await closeDatabase(db);
  await admin.query(`alter database ${PG_TEMPLATE} is_template true`);
  return async () => {
    await dropAll();
    await admin.end();
  };
}
