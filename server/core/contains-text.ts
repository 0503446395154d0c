import { or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ENGINE } from '../../db/engine';

/** A LIKE pattern in which the searched text matches itself only: `%`, `_` and `\` are literal. */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Any of the columns (or expressions) contains the text, bound as a parameter, never
 * spliced into SQL. Case-insensitive on both engines: SQLite's LIKE is (for ASCII),
 * PostgreSQL's is not, so there it is ILIKE.
 */
export function containsText(text: string | undefined, ...columns: (AnyPgColumn | SQL)[]): SQL | undefined {
  if (!text) return undefined;
  const pattern = likePattern(text);
  const like = ENGINE === 'pg' ? sql.raw('ILIKE') : sql.raw('LIKE');
  return or(...columns.map((c) => sql`${c} ${like} ${pattern} ESCAPE '\\'`));
}
