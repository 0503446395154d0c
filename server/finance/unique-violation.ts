/** Whether a database error is a UNIQUE violation naming `column` (better-sqlite3, possibly wrapped by drizzle). */
export function isUniqueViolation(err: unknown, column: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column)) return true;
  }
  return false;
}
