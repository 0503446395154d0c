import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';

/** The two database engines: the embedded default, and PostgreSQL for installations that outgrow one machine. */
export type TEngine = 'sqlite' | 'pg';

export const isPostgresUrl = (url: string | undefined): boolean => !!url && /^postgres(ql)?:\/\//i.test(url);

/**
 * The engine of this process, fixed when the schema is first imported: the tables are
 * built for one dialect (db/schema/dialect.ts), so it is read from the environment (or
 * `.env`) before the settings are: DATABASE_URL=postgres://… selects PostgreSQL.
 */
export const ENGINE: TEngine = (() => {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv !== undefined) return isPostgresUrl(fromEnv) ? 'pg' : 'sqlite';
  const file = existsSync('.env') ? parseDotenv(readFileSync('.env')) : {};
  return isPostgresUrl(file.DATABASE_URL) ? 'pg' : 'sqlite';
})();
