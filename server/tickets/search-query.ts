/*
 * What a user typed, as a search: every term a phrase (so operators such as OR, NEAR, `-`,
 * `*`, `(`, `&`, `!` or `col:` are just text), the last one matching as a prefix ("prin"
 * finds "printer"), terms ANDed. Terms without a letter or digit would match nothing and
 * are dropped, as are control characters (a NUL would end the string early inside SQLite).
 * One query language per engine: FTS5 on SQLite, tsquery on PostgreSQL; the same answers.
 */

function searchTerms(input: string | undefined | null, maxTerms: number): string[] {
  return (input ?? '')
    .split(/\s+/)
    .map((t) => t.replace(/["\p{Cc}]/gu, ''))
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, maxTerms);
}

/**
 * FTS5: each term a quoted phrase (the tokenizer splits it into words), the last one `*`.
 * Null when nothing is searchable. `prefix: false` leaves the `*` off: a query that finds a
 * subset of the full one's hits, cheaply (FTS5 expands a prefix into every word it starts).
 */
export function toFtsQuery(input: string | undefined | null, maxTerms = 8, prefix = true): string | null {
  const terms = searchTerms(input, maxTerms);
  if (!terms.length) return null;
  return terms.map((t, i) => `"${t}"${prefix && i === terms.length - 1 ? '*' : ''}`).join(' ');
}

function tsPhrases(input: string | undefined | null, maxTerms: number): string[][] {
  return searchTerms(input, maxTerms)
    .map((t) => t.split(/[\p{P}\p{S}\p{Z}]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)))
    .filter((words) => words.length);
}

/**
 * PostgreSQL: every word but the last (the prefix), ANDed: a looser query that finds a
 * superset of toTsQuery's entries without expanding the prefix, which a GIN index answers
 * far faster when the prefix is short or common. Null when there is only the one word.
 */
export function toTsWholeWords(input: string | undefined | null, maxTerms = 8): string | null {
  const words = tsPhrases(input, maxTerms).flat().slice(0, -1);
  return words.length ? words.map((w) => `'${w}'`).join(' & ') : null;
}

/**
 * PostgreSQL: the words of each term joined by `<->` (a phrase), terms by `&`, the very last
 * word `:*`. Words are split at punctuation as the indexed text is (ticket_search's
 * portico_search_words), so what is left is letters and digits, quoted as lexemes;
 * to_tsquery lower-cases them and removes accents as the index did.
 */
export function toTsQuery(input: string | undefined | null, maxTerms = 8): string | null {
  const phrases = tsPhrases(input, maxTerms);
  if (!phrases.length) return null;
  return phrases
    .map((words, i) => {
      const last = i === phrases.length - 1;
      const lexemes = words.map((w, j) => `'${w}'${last && j === words.length - 1 ? ':*' : ''}`);
      return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0]!;
    })
    .join(' & ');
}
