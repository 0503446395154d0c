import { defineConfig } from 'drizzle-kit';

/*
 * Migrations for both engines from the one schema (db/schema/dialect.ts builds it for the
 * engine DATABASE_URL selects): `npm run db:generate` runs drizzle-kit with this file twice,
 * once per dialect, into db/migrations/sqlite and db/migrations/pg.
 */
const pg = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '');

export default pg
  ? defineConfig({ dialect: 'postgresql', schema: './db/schema/index.ts', out: './db/migrations/pg', dbCredentials: { url: process.env.DATABASE_URL! } })
  : defineConfig({ dialect: 'sqlite', schema: './db/schema/index.ts', out: './db/migrations/sqlite', dbCredentials: { url: process.env.DATABASE_PATH ?? './data/portico.db' } });
