import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

/*
 * npm run bench:start -- [--runs N]
 * Starts the real server as `npm start` does (`node scripts/start.mjs`, on the built tree) N
 * times on an existing database and N times on a fresh one (created, migrated and seeded by
 * that start), and N times a bare Node HTTP server spawned the same way (the baseline), the
 * three kinds interleaved so that all see the same load. Each run: the time from spawn to the
 * first 200 for `/` (the first page) and for `/healthz`, then SIGTERM and the exit code. A
 * first start, not counted, builds what is stale and creates the existing database. The last
 * line is the JSON summary (first page on the existing database).
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'portico-bench-start-'));
const baselineFile = join(dir, 'baseline.mjs');
writeFileSync(
  baselineFile,
  "import { createServer } from 'node:http';\ncreateServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n",
);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const ok = async (url: string) => {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
};

type TRun = { firstPageMs: number; healthzMs: number; exitCode: number | null };

/** Spawns `script` with a fresh port; resolves once `/` and `/healthz` both answered 200, and the process exited after SIGTERM. */
async function timeStart(script: string, database: string | null): Promise<TRun> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    SMTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...(database ? { DATABASE_PATH: database, DATA_DIR: join(dir, 'files') } : {}),
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  let firstPageMs = 0;
  let healthzMs = 0;
  while (!firstPageMs || !healthzMs) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}) before it served`);
    const [page, health] = await Promise.all([firstPageMs ? true : ok(`${base}/`), healthzMs ? true : ok(`${base}/healthz`)]);
    const now = performance.now() - t0;
    if (page && !firstPageMs) firstPageMs = now;
    if (health && !healthzMs) healthzMs = now;
    if (!page || !health) await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGTERM');
  return { firstPageMs, healthzMs, exitCode: await exited };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x);

const start = join(root, 'scripts/start.mjs');
const existing = join(dir, 'existing.db');
console.log('first start (not counted): builds what is stale, creates the existing database');
await timeStart(start, existing);

const kinds = { baseline: [] as TRun[], existing: [] as TRun[], fresh: [] as TRun[] };
for (let i = 0; i < runs; i++) {
  kinds.baseline.push(await timeStart(baselineFile, null));
  kinds.existing.push(await timeStart(start, existing));
  kinds.fresh.push(await timeStart(start, join(dir, `fresh-${i}.db`)));
  const last = (k: keyof typeof kinds) => kinds[k].at(-1)!;
  console.log(
    `run ${i + 1}: baseline ${round(last('baseline').firstPageMs)} ms; existing database: first page ${round(last('existing').firstPageMs)} ms, /healthz ${round(last('existing').healthzMs)} ms, exit ${last('existing').exitCode}; fresh database: first page ${round(last('fresh').firstPageMs)} ms, /healthz ${round(last('fresh').healthzMs)} ms, exit ${last('fresh').exitCode}`,
  );
}
rmSync(dir, { recursive: true, force: true });

const pages = (k: 'existing' | 'fresh') => kinds[k].map((r) => r.firstPageMs);
const exits = [...kinds.existing, ...kinds.fresh].map((r) => r.exitCode);
console.log(
  `fresh database: first page p50 ${round(median(pages('fresh')))} ms, max ${round(Math.max(...pages('fresh')))} ms; /healthz before or with the first page in ${[...kinds.existing, ...kinds.fresh].filter((r) => r.healthzMs <= r.firstPageMs + 5).length} of ${2 * runs} runs; exit codes after SIGTERM: ${[...new Set(exits)].join(', ')}`,
);
console.log(
  JSON.stringify({
    runs,
    first_page_p50_ms: round(median(pages('existing'))),
    first_page_max_ms: round(Math.max(...pages('existing'))),
    node_baseline_ms: round(median(kinds.baseline.map((r) => r.firstPageMs))),
  }),
);
