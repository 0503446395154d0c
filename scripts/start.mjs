/* global process, console */
// `npm start`: runs the compiled server (dist/server), building first what is missing or older
// than its sources (the client into dist/client, the server into dist/server), so that
// `npm install && npm start` is the one command on a fresh machine and `git pull && npm start`
// after an upgrade. Plain JavaScript: it must start without a TypeScript loader.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer, ROOT, SERVER_MAIN, SERVER_SOURCES } from './build-server.mjs';

process.setSourceMapsEnabled(true);

/** The newest modification time under these paths (files and folders), 0 when none exists. */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    latest = Math.max(latest, st.mtimeMs);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const p of paths) visit(join(ROOT, p));
  return latest;
}
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);

const clientIndex = join(ROOT, 'dist/client/index.html');
if (builtAt(clientIndex) < newest(['client', 'vite.config.ts'])) {
  console.log('  building the client…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

let entry = SERVER_MAIN;
if (builtAt(SERVER_MAIN) < newest([...SERVER_SOURCES, 'package.json'])) {
  console.log('  building the server…');
  try {
    await buildServer();
  } catch (err) {
    // esbuild is a development dependency: an install without them runs the sources instead.
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    console.warn('  esbuild is not installed: running the sources with tsx (slower start). `npm run build` compiles them.');
    const { register } = await import('tsx/esm/api');
    register();
    entry = join(ROOT, 'server/main.ts');
  }
}
await import(pathToFileURL(entry).href);
