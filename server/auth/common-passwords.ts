import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from '../core/app-root';

let list: Set<string> | undefined;

/**
 * The bundled list of common and breached passwords (data/common-passwords.txt, 8+
 * characters, lower case). Loaded on first use; about 18 000 entries, under 1 MB in memory.
 */
export function isCommonPassword(password: string): boolean {
  list ??= new Set(
    readFileSync(join(APP_ROOT, 'server/auth/data/common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#')),
  );
  return list.has(password.toLowerCase());
}
