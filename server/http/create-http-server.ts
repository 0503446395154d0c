import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { ServiceContext } from '../core/context';
import { createRpcContext } from '../trpc/context';
import { appRouter } from '../trpc/router';
import { applySecurityHeaders, contentSecurityPolicy } from './security-headers';
import { serveStatic } from './static-files';

export interface TWebServer {
  server: Server;
  wss: WebSocketServer;
  /** Asks every WebSocket client to reconnect (used before shutdown). */
  broadcastReconnect(): void;
}

type TFallback = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One HTTP server: tRPC queries and mutations at /trpc, tRPC subscriptions over a
 * WebSocket at /trpc (same port), /healthz, and the client (built files or Vite in dev).
 */
export function createWebServer(opts: {
  base: ServiceContext;
  log: Logger;
  clientRoot: string;
  /** Origins allowed to open the WebSocket and send mutations; read per request. */
  allowedOrigins: () => readonly string[];
  dev?: { fallback: TFallback };
}): TWebServer {
  const { base, log } = opts;
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createRpcContext(base, req, res),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'tRPC error');
    },
  });

  const originAllowed = (origin: string | undefined) => !!origin && opts.allowedOrigins().includes(origin);

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'http');
    });
    applySecurityHeaders(res, contentSecurityPolicy(opts.allowedOrigins()[0] ?? base.settings.publicUrl, !!opts.dev));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      let db = 'ok';
      try {
        base.db.$client.prepare('select 1').get();
      } catch {
        db = 'error';
      }
      res.writeHead(db === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: db === 'ok' ? 'ok' : 'degraded', db }));
      return;
    }
    if (path === '/trpc' || path.startsWith('/trpc/')) {
      // Cross-site requests may not change anything: browsers always send Origin on POST.
      if (req.method !== 'GET' && req.headers.origin !== undefined && !originAllowed(req.headers.origin)) {
        res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Cross-origin request refused');
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      trpcHandler(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (opts.dev) opts.dev.fallback(req, res);
    else serveStatic(opts.clientRoot, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: base.settings.WS_MAX_PAYLOAD });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, res }) => createRpcContext(base, req, res),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'tRPC ws error');
    },
  });
  wss.on('error', (err) => log.warn({ err }, 'websocket server error'));
  wss.on('connection', (ws) => ws.on('error', (err) => log.debug({ err }, 'websocket client error')));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/trpc') {
      // Leave other upgrades (Vite's HMR socket in dev) to their own listeners.
      if (!opts.dev) refuse(socket, 404, 'Not Found');
      return;
    }
    if (!originAllowed(req.headers.origin)) {
      log.warn({ origin: req.headers.origin }, 'websocket upgrade refused: origin');
      refuse(socket, 403, 'Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return { server, wss, broadcastReconnect: () => wsHandler.broadcastReconnectNotification() };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
