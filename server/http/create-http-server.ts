import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import { pingDatabase } from '../../db/client';
import type { ServiceContext } from '../core/context';
import type { TRunningRelay } from '../core/event-relay';
import { createRpcContext } from '../trpc/context';
import { logRpcError } from '../trpc/log-error';
import { appRouter } from '../trpc/router';
import { handleAttachments } from './attachment-routes';
import { handleDocuments } from './document-routes';
import { handleInboundMail } from './inbound-mail-routes';
import { handleInvoicePdf } from './invoice-pdf-route';
import { refusesCrossSite } from './cross-site';
import { admitBody } from './request-limits';
import { applySecurityHeaders, contentSecurityPolicy } from './security-headers';
import { serveStatic } from './static-files';
import { serveTrpcWebSocket } from './websocket';
import { routeSso } from './sso-routes';
import { handleStripeWebhookRoute } from './stripe-webhook-route';

export interface TWebServer {
  server: Server;
  wss: WebSocketServer;
  /** Asks every WebSocket client to reconnect (used before shutdown). */
  broadcastReconnect(): void;
  /**
   * Graceful stop: no new connections (the listener closes), no new WebSockets, `/healthz`
   * answers 503 so a balancer sends no more; requests under way are let finish until
   * `deadline` (epoch ms), idle keep-alive connections are closed as they become idle.
   * Open WebSockets are left to the caller.
   */
  drain(deadline: number): Promise<void>;
  /** Resolves when the server has closed and its last connection is gone. */
  closed: Promise<void>;
}

type TFallback = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One HTTP server: tRPC queries and mutations at /trpc, tRPC subscriptions over a
 * WebSocket at /trpc (same port), /healthz, /attachments, and the client (built files or Vite in dev).
 */
export function createWebServer(opts: {
  base: ServiceContext;
  log: Logger;
  clientRoot: string;
  /** Origins allowed to open the WebSocket and send mutations; read per request. */
  allowedOrigins: () => readonly string[];
  dev?: { fallback: TFallback };
  /** PostgreSQL: its LISTEN connection is part of being ready. */
  relay?: TRunningRelay | null;
}): TWebServer {
  const { base, log } = opts;
  const maxBody = base.settings.HTTP_MAX_BODY_KB * 1024;
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: maxBody,
    maxBatchSize: base.settings.HTTP_MAX_BATCH,
    createContext: ({ req, res }) => createRpcContext(base, req, res),
    onError: ({ error, path }) => logRpcError(log, 'tRPC', error, path),
  });

  const originAllowed = (origin: string | undefined) => !!origin && opts.allowedOrigins().includes(origin);

  let draining = false;
  let inFlight = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    if (draining) res.setHeader('Connection', 'close');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'http');
    });
    applySecurityHeaders(res, contentSecurityPolicy(opts.allowedOrigins()[0] ?? base.settings.publicUrl, !!opts.dev));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      if (draining) {
        res.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ status: 'stopping' }));
        return;
      }
      void pingDatabase(base.db).then(
        () => 'ok',
        () => 'error',
      ).then((db) => {
        // Without LISTEN this node would not hear other nodes' events: not ready until it reconnects.
        const listen = opts.relay ? (opts.relay.listenState() === 'listening' ? 'ok' : 'down') : undefined;
        const ok = db === 'ok' && listen !== 'down';
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', db, ...(listen ? { listen } : {}) }));
      });
      return;
    }
    if (path === '/attachments' || path.startsWith('/attachments/')) {
      handleAttachments(base, req, res, originAllowed).catch((err: unknown) => {
        log.error({ err }, 'attachment request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path.startsWith('/inbound-mail/')) {
      handleInboundMail(base, req, res).catch((err: unknown) => {
        log.error({ err }, 'inbound mail download failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path.startsWith('/invoices/')) {
      handleInvoicePdf(base, req, res).catch((err: unknown) => {
        log.error({ err }, 'invoice PDF failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path.startsWith('/webhooks/stripe/')) {
      handleStripeWebhookRoute(base, req, res).catch((err: unknown) => {
        log.error({ err }, 'stripe webhook failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if ((path === '/sign-in' || path.startsWith('/auth/oidc/')) && await routeSso(base, req, res, log)) return;
    if (path === '/documents' || path.startsWith('/documents/')) {
      handleDocuments(base, req, res, originAllowed).catch((err: unknown) => {
        log.error({ err }, 'document request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path === '/trpc' || path.startsWith('/trpc/')) {
      if (refusesCrossSite(req, originAllowed, { jsonOnly: true })) {
        res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Cross-origin request refused');
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      if (admitBody(req, res, maxBody)) trpcHandler(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (opts.dev) opts.dev.fallback(req, res);
    else serveStatic(opts.clientRoot, req, res);
  };
  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  // Built for fan-out to thousands of sockets (server/http/websocket.ts).
  const ws = serveTrpcWebSocket({ base, log, adapter: base.settings.WS_ADAPTER });
  server.once('close', ws.stop);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    const path = (req.url ?? '').split('?')[0];
    if (draining) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
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
    ws.accept(req, socket, head);
  });

  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const drain = async (deadline: number): Promise<void> => {
    draining = true;
    // Stops listening; the callback (all connections gone) is the caller's to wait for.
    server.close();
    server.closeIdleConnections();
    while (inFlight > 0 && Date.now() < deadline) {
      await sleep(50);
      server.closeIdleConnections();
    }
  };

  return { server, wss: ws.wss, broadcastReconnect: ws.broadcastReconnect, drain, closed };
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
