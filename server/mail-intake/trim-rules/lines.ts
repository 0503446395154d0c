/*
 * Line helpers for the reply trimmer. Every pattern runs on one line (or a join of at most
 * three), and lines longer than MAX_HEADER_LINE are never taken for a header: that bounds the
 * work of each test, so the trimmer stays linear in the size of the body.
 */

/** Longer lines are text, never a header, attribution or device line. */
export const MAX_HEADER_LINE = 300;

const SPECIAL = /\r\n?|[\u00a0\u2007\u202f\u3000]|[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const SPACES = new Set(['\u00a0', '\u2007', '\u202f', '\u3000']);
const special = (m: string): string => (m[0] === '\r' ? '\n' : SPACES.has(m) ? ' ' : '');

/** Lines of a body with line ends, no-break and zero-width spaces, bidi marks and tracking glyphs normalised. */
export function bodyLines(text: string): string[] {
  let t = text.replace(SPECIAL, special);
  // Mail add-ons (read receipts, trackers) append a lone U+1427 "ᐧ" to the text part.
  if (t.includes('\u1427')) t = t.replace(/(^|[ \t\n])\u1427+(?=[ \t]*(\n|$))/g, '$1');
  return t.split('\n');
}

export const isBlank = (line: string): boolean => line.trim() === '';
/** Ends with a colon, or a full-width one. */
export const endsWithColon = (s: string): boolean => s.endsWith(':') || s.endsWith('：');
export const isQuoted = (line: string): boolean => line.trimStart().startsWith('>');

/** The text of a quoted line without its quote marks. */
export const unquoted = (line: string): string => line.replace(/^[\s>]+/, '');

const count = (s: string, ch: string): number => {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
};

/** More closing than opening brackets: the second half of a wrapped line. */
export const unbalanced = (s: string): boolean => count(s, '>') > count(s, '<') || count(s, ')') > count(s, '(') || count(s, ']') > count(s, '[');

/** Dates and times as mail clients write them: 17:21, 17.21, 10h30, 2026, 03/03/26, 2026年. */
export const hasDate = (s: string): boolean =>
  /\d{1,2}[:.h]\d{2}(?!\d)|(?<!\d)(?:19|20)\d{2}(?!\d)|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d\s?[年월]/.test(s);

/** Starts with a date and a time ("2016-03-03 17:21 GMT+01:00 Some One"). */
export const startsWithDateTime = (s: string): boolean => /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}[,\sT]{1,3}\d{1,2}[:.]\d{2}/.test(s);

/** An address in angle brackets or parentheses, as in "Name <x@y>" or "Name (x@y)". */
export const hasBracketedAddress = (s: string): boolean => /[<([][^<>()[\]\s]{0,80}@[^<>()[\]\s]{1,120}[>)\]]/.test(s);

/** Decoration characters of rules and banners ("-----", "_____", "=====", "*****", "———"). */
const DECORATION = new Set(['-', '_', '=', '~', '*', '#', '—', '–', '━', '─', '+']);

export const isDecoration = (ch: string | undefined): boolean => ch !== undefined && DECORATION.has(ch);

/** A line's leading and trailing runs of decoration and the text between them. */
export function decorated(line: string): { left: number; middle: string; right: number } {
  const s = line.trim();
  let a = 0;
  let left = 0;
  while (a < s.length && (DECORATION.has(s[a]!) || s[a] === ' ')) {
    if (s[a] !== ' ') left++;
    a++;
  }
  let b = s.length;
  let right = 0;
  while (b > a && (DECORATION.has(s[b - 1]!) || s[b - 1] === ' ')) {
    if (s[b - 1] !== ' ') right++;
    b--;
  }
  return { left, middle: s.slice(a, b), right };
}

/** A line of decoration only: a rule. */
export const isRule = (line: string): boolean => {
  const d = decorated(line);
  return d.middle === '' && d.left >= 2;
};
