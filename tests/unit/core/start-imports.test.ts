import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SERVER_BUILD_OPTIONS } from '../../../scripts/build-server.mjs';

/*
 * What the compiled server loads before its first request: the packages reached from
 * dist/server/main.js by static imports alone (chunks included). The libraries only some
 * requests need must not be among them: they load on first use (server/core/load-on-first-use.ts).
 */

const LOADED_ON_FIRST_USE = [
  'stripe',
  'pdfkit',
  'sharp',
  'openid-client',
  '@simplewebauthn/server',
  'qrcode',
  'mailauth',
  'mailparser',
  'sanitize-html',
  'pg',
  'vite',
  'esbuild',
  'tsx',
];

async function packagesLoadedAtStart(): Promise<Set<string>> {
  const result = await build({ ...SERVER_BUILD_OPTIONS, write: false, metafile: true, sourcemap: false, logLevel: 'silent' });
  const outputs: Metafile['outputs'] = result.metafile!.outputs;
  const main = Object.keys(outputs).find((path) => path.endsWith('/main.js'))!;
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path]!.imports) {
      if (i.kind !== 'import-statement') continue;
      if (!i.external) visit(i.path);
      else if (!i.path.startsWith('node:')) packages.add(i.path.split('/').slice(0, i.path.startsWith('@') ? 2 : 1).join('/'));
    }
  };
  visit(main);
  return packages;
}

describe('the compiled server at start', () => {
  it('loads none of the libraries only some requests need', async () => {
    const atStart = await packagesLoadedAtStart();
    // The walk sees what start needs (so an empty set cannot pass for a good one).
    expect(atStart).toContain('better-sqlite3');
    expect(atStart).toContain('smtp-server');
    expect(LOADED_ON_FIRST_USE.filter((p) => atStart.has(p))).toEqual([]);
  }, 60_000);
});
