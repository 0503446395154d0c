/* global process, console, URL */
// Compiles the server (server/main.ts, and the mail parsing thread) into dist/server with
// esbuild: our code bundled into ES modules with source maps, every package left external
// (native ones must be, and node_modules is there at run time anyway). Plain JavaScript, so
// `npm start` can run it without a TypeScript loader.
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_OUT = join(ROOT, 'dist/server');
/** Written last by a build, so its time is the build's. */
export const SERVER_MAIN = join(SERVER_OUT, 'main.js');
/** The folders whose code the server bundle holds (migrations are read from db/migrations at run time). */
export const SERVER_SOURCES = ['server', 'db', 'mail'];
/** A chunk the current build no longer names is kept this long: a process of the previous build may still load it lazily. */
const OLD_CHUNK_MS = 24 * 3600_000;

/** esbuild's options for the server (tests/unit/core/start-imports.test.ts reads what they produce). */
export const SERVER_BUILD_OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: { main: 'server/main.ts', 'parse-thread': 'server/mail-intake/parse-thread.ts' },
  outdir: SERVER_OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

export async function buildServer() {
  const { build } = await import('esbuild');
  const result = await build({ ...SERVER_BUILD_OPTIONS, write: false });
  mkdirSync(SERVER_OUT, { recursive: true });
  // Each file appears whole (written aside, then renamed), main.js last: a server starting
  // while this runs, or still running the previous build, never reads half a file.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === SERVER_MAIN) - Number(b.path === SERVER_MAIN));
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    const aside = `${f.path}.${process.pid}.tmp`;
    writeFileSync(aside, f.contents);
    renameSync(aside, f.path);
  }
  const written = new Set(files.map((f) => f.path));
  for (const name of readdirSync(SERVER_OUT)) {
    const path = join(SERVER_OUT, name);
    if (!written.has(path) && Date.now() - statSync(path).mtimeMs > OLD_CHUNK_MS) unlinkSync(path);
  }
  return files.map((f) => relative(ROOT, f.path));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildServer();
  console.log(`server built: ${files.filter((f) => f.endsWith('.js')).length} files in ${relative(process.cwd(), SERVER_OUT) || '.'}`);
}
