/**
 * Whether a database error is a UNIQUE violation naming `column`, possibly wrapped by
 * drizzle: better-sqlite3's SQLITE_CONSTRAINT_UNIQUE ("UNIQUE constraint failed: t.column"),
 * or PostgreSQL's 23505 ("Key (a, column)=(…) already exists." in its detail).
 */
export function isUniqueViolation(err: unknown, column: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, detail } = e as { code?: unknown; message?: unknown; detail?: unknown };
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column)) return true;
    if (code === '23505' && typeof detail === 'string') {
      const columns = /^Key \(([^)]*)\)=/.exec(detail)?.[1]?.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      if (columns?.includes(column)) return true;
    }
  }
  return false;
}
