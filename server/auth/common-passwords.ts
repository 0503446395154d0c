import { readFileSync } from 'node:fs';

let list: Set<string> | undefined;

/**
 * The bundled list of common and breached passwords (data/common-passwords.txt, 8+
 * characters, lower case). Loaded on first use; about 18 000 entries, under 1 MB in memory.
 */
export function isCommonPassword(password: string): boolean {
  list ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#')),
  );
  return list.has(password.toLowerCase());
}
