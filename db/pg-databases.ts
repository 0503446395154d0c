import pg from 'pg';

/*
 * Databases made and dropped on a PostgreSQL server: the test suite's per-file databases,
 * the scratch databases of cross-engine tests, and the benchmarks' own.
 */

/** The URL of database `name` on the server `serverUrl` names (same host, port and user). */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on a connection of its own (CREATE and DROP DATABASE refuse transactions). */
export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Creates database `name` (from `template` if given) and returns its URL and its removal. */
export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  await adminQuery(serverUrl, `create database ${name}${template ? ` template ${template}` : ''}`);
  return { url: databaseUrl(serverUrl, name), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}
