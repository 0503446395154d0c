import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type Server as WsServer } from 'ws';
import type { ServiceContext } from '../core/context';
import { publishedPayloadJson } from '../core/events';
import { createRpcContext } from '../trpc/context';
import { appRouter } from '../trpc/router';
import { handleAttachments } from './attachment-routes';
import { handleDocuments } from './document-routes';
import { handleInboundMail } from './inbound-mail-routes';
import { handleInvoicePdf } from './invoice-pdf-route';
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
 * WebSocket at /trpc (same port), /healthz, /attachments, and the client (built files or Vite in dev).
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
    if (path === '/documents' || path.startsWith('/documents/')) {
      handleDocuments(base, req, res, originAllowed).catch((err: unknown) => {
        log.error({ err }, 'document request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
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

  // Built for fan-out to thousands of sockets: see PorticoSocket below.
  const wss = new WebSocketServer({ noServer: true, maxPayload: base.settings.WS_MAX_PAYLOAD, WebSocket: PorticoSocket });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, res }) => createRpcContext(base, req, res),
    keepAlive: { enabled: false },
    experimental_encoder: wsEncoder,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path }, 'tRPC ws error');
    },
  });
  const stopKeepAlive = keepSocketsAlive(wss, 30_000, 10_000);
  server.once('close', stopKeepAlive);
  function onClientError(err: Error) {
    log.debug({ err }, 'websocket client error');
  }
  wss.on('error', (err) => log.warn({ err }, 'websocket server error'));
  wss.on('connection', (ws) => ws.on('error', onClientError));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
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
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.raw = socket;
      wss.emit('connection', ws, keptRequest(req));
    });
  });

  return { server, wss, broadcastReconnect: () => wsHandler.broadcastReconnectNotification() };
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/*
 * WebSocket fan-out, measured by bench/realtime.ts:
 * - while an event fans out, sockets are corked and written in runs of WRITE_BATCH, back
 *   to back as a plain broadcast writes, not one write between each subscriber's tRPC work
 *   (at most HOLD_MAX bytes are held per socket, so a replay's burst flows on);
 * - a socket with more than MAX_BUFFERED bytes unsent is dropped; its client reconnects and
 *   resumes after its last event id from the durable log;
 * - wsEncoder builds one UTF-8 frame per event for all its subscribers;
 * - one keep-alive sweep and fields on the socket replace tRPC's timers and closures per
 *   socket, and tRPC keeps only a slim copy of the upgrade request.
 */
const WRITE_BATCH = 256;
const HOLD_MAX = 64 * 1024;
const MAX_BUFFERED = 4 * 1024 * 1024;
const corked = new Set<Duplex>();
let flushQueued = false;
function uncorkAll(): void {
  flushQueued = false;
  for (const s of corked) s.uncork();
  corked.clear();
}

/** UTF-8 JSON frames the encoder built once for many sockets; they go out as text. */
const sharedTextFrames = new WeakSet<Buffer>();
const clockStart = Date.now();
const sinceStart = () => Date.now() - clockStart;

class PorticoSocket extends WebSocket {
  raw: Duplex | null = null;
  /** Keep-alive, in ms since clockStart: the client's last message, our last "PING". */
  heardAt = sinceStart();
  pingedAt = -1;

  override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
    if (this.bufferedAmount > MAX_BUFFERED) return this.terminate();
    const raw = this.raw;
    if (raw && !corked.has(raw)) {
      if (!flushQueued) setImmediate(uncorkAll);
      flushQueued = true;
      raw.cork();
      corked.add(raw);
      if (corked.size >= WRITE_BATCH) uncorkAll();
    }
    if (rest.length === 0 && Buffer.isBuffer(data) && sharedTextFrames.has(data)) super.send(data, { binary: false });
    else (super.send as (...args: unknown[]) => void).call(this, data, ...rest);
    if (raw && raw.writableLength > HOLD_MAX && corked.delete(raw)) raw.uncork();
  }
}

/** A socket quiet for `pingMs` gets tRPC's "PING" and is dropped if nothing comes back within `pongWaitMs`. */
function keepSocketsAlive(wss: WsServer<typeof PorticoSocket>, pingMs: number, pongWaitMs: number): () => void {
  function heard(this: WebSocket) {
    (this as PorticoSocket).heardAt = sinceStart();
  }
  wss.on('connection', (ws) => ws.on('message', heard));
  const timer = setInterval(() => {
    const now = sinceStart();
    for (const ws of wss.clients) {
      if (ws.pingedAt > ws.heardAt) {
        if (now - ws.pingedAt >= pongWaitMs) ws.terminate();
      } else if (now - ws.heardAt >= pingMs) {
        ws.pingedAt = now;
        ws.send('PING');
      }
    }
  }, Math.min(pingMs, pongWaitMs) / 2);
  timer.unref();
  return () => clearInterval(timer);
}

/** What tRPC keeps of an upgrade request while the socket lives: what it and createRpcContext read. */
function keptRequest(req: IncomingMessage): IncomingMessage {
  return { url: req.url, method: req.method, headers: req.headers, socket: { remoteAddress: req.socket.remoteAddress } } as IncomingMessage;
}

/**
 * tRPC encodes each subscriber's message on its own. A tracked event carries the bus row's
 * payload, one object shared by all its subscribers, so its message is built once per
 * subscription id (clients number their subscriptions alike) and that one UTF-8 buffer
 * goes to every socket; the text is what JSON.stringify gives. Anything else is stringified.
 */
type TMessage = {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: { id?: unknown; data?: { kind?: unknown; payload?: unknown } } };
};
type TFrames = { trackedId: unknown; kind: unknown; jsonrpc: unknown; byId: Map<unknown, Buffer<ArrayBuffer>> };
const framesByPayload = new WeakMap<object, TFrames>();

const wsEncoder = {
  encode(message: unknown): string | Buffer<ArrayBuffer> {
    const m = message as TMessage | null;
    const payload = m?.result?.data?.data?.payload;
    const json = publishedPayloadJson(payload);
    if (json === undefined || !isTrackedEvent(m!)) return JSON.stringify(message);
    const p = payload as object;
    let frames = framesByPayload.get(p);
    if (!frames) {
      frames = { trackedId: m!.result!.id, kind: m!.result!.data!.data!.kind, jsonrpc: m!.jsonrpc, byId: new Map() };
      framesByPayload.set(p, frames);
    }
    if (frames.trackedId !== m!.result!.id || frames.kind !== m!.result!.data!.data!.kind || frames.jsonrpc !== m!.jsonrpc) {
      return stringifyAround(message, p, json);
    }
    let frame = frames.byId.get(m!.id);
    if (!frame) {
      frame = Buffer.from(stringifyAround(message, p, json));
      sharedTextFrames.add(frame);
      frames.byId.set(m!.id, frame);
    }
    return frame;
  },
  decode: jsonEncoder.decode,
};

/** Exactly tRPC's tracked data message: { id, jsonrpc?, result: { type: 'data', data: { id, data: { kind, payload } }, id } }. */
function isTrackedEvent(m: TMessage): boolean {
  const r = m.result;
  const d = r?.data;
  const ev = d?.data;
  if (r?.type !== 'data' || typeof r.id !== 'string' || d?.id !== r.id || typeof ev?.kind !== 'string') return false;
  if (typeof m.id !== 'number' && typeof m.id !== 'string') return false;
  const top = ownKeyCount(m);
  return (top === 2 || (top === 3 && 'jsonrpc' in m)) && ownKeyCount(r) === 3 && ownKeyCount(d) === 2 && ownKeyCount(ev) === 2;
}

function ownKeyCount(o: object): number {
  let n = 0;
  for (const k in o) if (Object.hasOwn(o, k)) n++;
  return n;
}

function stringifyAround(value: unknown, inner: object, innerJson: string): string {
  if (value === inner) return innerJson;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'toJSON' in value) return JSON.stringify(value);
  let out = '';
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${stringifyAround(v, inner, innerJson)}`;
  }
  return `{${out}}`;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
