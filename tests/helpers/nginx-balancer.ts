import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnPortico, type TPorticoProcess } from './portico-process';
import { testDatabase } from './test-database';

/*
 * Debian's nginx as a load balancer in front of several Portico nodes, started by a test as
 * the current user: its config, pid file, logs and temp paths in the test's folder. The
 * server block is the one README.md ("Several nodes") gives operators, plus one header
 * naming the node that answered, which the tests read to know where a socket landed.
 */

export const NGINX = '/usr/sbin/nginx';

/** A port nothing listens on now (the balancer's, known before the nodes start: it is their PUBLIC_URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function balancerConfig(dir: string, port: number, nodes: string[]): string {
  const upstreams = nodes.map((url) => `    server ${new URL(url).host};`).join('\n');
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }
  upstream portico {
${upstreams}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://portico;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 1h;
      client_max_body_size 60m;
      add_header X-Portico-Node $upstream_addr always;
    }
  }
}
`;
}

function assertNginx(): void {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install nginx-light (apt-get install nginx-light), as .ci/run does`);
}

export interface TBalancer {
  url: string;
  stop(): Promise<void>;
}

/** Starts nginx on `port` in front of `nodes` (their http://host:port URLs); resolves once it answers. */
export async function startBalancer(dir: string, port: number, nodes: string[]): Promise<TBalancer> {
  assertNginx();
  const home = join(dir, 'nginx');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'nginx.conf'), balancerConfig(home, port, nodes));
  const child: ChildProcess = spawn(NGINX, ['-p', home, '-e', join(home, 'error.log'), '-c', join(home, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nginx exited (${code}): ${readFileSync(join(home, 'error.log'), 'utf8').slice(-2000)}`))),
  );
  exited.catch(() => {});
  for (let i = 0; ; i++) {
    const up = await Promise.race([fetch(`${url}/healthz`).then((r) => r.ok, () => false), exited]);
    if (up) break;
    if (i > 100) throw new Error('nginx did not answer');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM'); // fast shutdown: a graceful one waits for open sockets
      }),
  };
}

export interface TNodesBehindBalancer {
  /** The balancer's URL: every node's PUBLIC_URL, the portal's one origin. */
  origin: string;
  nodes: TPorticoProcess[];
  balancer: TBalancer;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * `count` Portico processes on one new PostgreSQL database (the first seeds it) behind nginx,
 * all with the balancer's URL as PUBLIC_URL and one SECRET_KEY, as an operator runs them.
 */
export async function startNodesBehindBalancer(dir: string, count: number): Promise<TNodesBehindBalancer> {
  assertNginx(); // before the nodes take their time to start
  const database = await testDatabase(dir);
  const nodes: TPorticoProcess[] = [];
  let balancer: TBalancer | null = null;
  const stop = async () => {
    await balancer?.stop();
    for (const n of nodes) await n.kill();
    await database.drop();
  };
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env = (node: number) => ({
      NODE_ENV: 'test',
      PORT: '0',
      SMTP_PORT: '0',
      SMTP_HOST: '127.0.0.1',
      ...database.env,
      DATA_DIR: join(dir, `files-${node}`),
      LOG_LEVEL: 'silent',
      PUBLIC_URL: origin,
      SECRET_KEY: 'one-key-for-every-node-of-this-test-0123456789',
    });
    for (let i = 0; i < count; i++) nodes.push(await spawnPortico(env(i)));
    balancer = await startBalancer(dir, port, nodes.map((n) => n.url));
    return { origin, nodes, balancer, databaseUrl: database.env.DATABASE_URL!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
