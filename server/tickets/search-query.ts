/**
 * Turns what a user typed into safe FTS5 syntax: every term becomes a quoted phrase (so
 * operators such as OR, NEAR, `-`, `*`, `(` or `col:` are just text), the last one matches
 * as a prefix ("prin" finds "printer"), terms are ANDed. Terms without a letter or digit
 * would match nothing and are dropped, as are double quotes and control characters (a NUL
 * would end the string early inside SQLite). Returns null when nothing searchable is left.
 */
export function toFtsQuery(input: string | undefined | null, maxTerms = 8): string | null {
  const terms = (input ?? '')
    .split(/\s+/)
    .map((t) => t.replace(/["\p{Cc}]/gu, ''))
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, maxTerms);
  if (!terms.length) return null;
  return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}
