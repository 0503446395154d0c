import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { plainReply } from '../../server/mail-intake/reply-trim';

/*
 * The reply trimmer's evaluation over a folder of emails/NAME.txt with the expected result in
 * trimmed/NAME.txt: each body goes through what intake keeps of a plain-text body (the
 * trimmer, and the whole text when that leaves nothing), and counts as exact when it equals
 * the expectation after folding whitespace.
 */

export interface TTrimCase {
  name: string;
  exact: boolean;
  empty: boolean;
  kept: string;
  expected: string;
}

export interface TTrimEval {
  cases: TTrimCase[];
  total: number;
  exact: number;
  empty: number;
}

export const foldWhitespace = (s: string): string => s.replace(/\s+/gu, ' ').trim();

export function evaluateTrimCorpus(dir: string, keep: (body: string) => string = (body) => plainReply(body).body): TTrimEval {
  const names = readdirSync(join(dir, 'emails'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => basename(f, '.txt'))
    .sort();
  const cases = names.map((name): TTrimCase => {
    const body = readFileSync(join(dir, 'emails', `${name}.txt`), 'utf8');
    const expected = readFileSync(join(dir, 'trimmed', `${name}.txt`), 'utf8');
    const kept = keep(body);
    return { name, kept, expected, exact: foldWhitespace(kept) === foldWhitespace(expected), empty: kept.trim() === '' };
  });
  return { cases, total: cases.length, exact: cases.filter((c) => c.exact).length, empty: cases.filter((c) => c.empty).length };
}
