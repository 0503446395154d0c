import { or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/** A LIKE pattern in which the searched text matches itself only: `%`, `_` and `\` are literal. */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Any of the columns contains the text (bound as a parameter, never spliced into SQL). */
export function containsText(text: string | undefined, ...columns: AnySQLiteColumn[]): SQL | undefined {
  if (!text) return undefined;
  const pattern = likePattern(text);
  return or(...columns.map((c) => sql`${c} LIKE ${pattern} ESCAPE '\\'`));
}
