import { integer } from 'drizzle-orm/sqlite-core';

/** Times are stored as integer milliseconds: portable to PostgreSQL bigint and cheap to compare. */
export const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });
export const flag = (name: string) => integer(name, { mode: 'boolean' });
