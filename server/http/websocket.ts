import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TRPCError } from '@trpc/server';
import { applyWSSHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type Server as WsServer } from 'ws';
import type { ServiceContext } from '../core/context';
import { publishedPayloadJson } from '../core/events';
import { createRpcContext } from '../trpc/context';
import { appRouter } from '../trpc/router';
import { logRpcError } from '../trpc/log-error';
import { applyLeanWSSHandler } from '../trpc/ws/lean-adapter';
import { SocketsPerSession } from './sockets-per-session';

/*
 * tRPC subscriptions over the WebSocket at /trpc, served by one of two adapters speaking
 * the same protocol (WS_ADAPTER): "lean" (server/trpc/ws/lean-adapter.ts: little state per
 * socket and subscription, ticket streams written from the bus with shared frames) or
 * "trpc" (tRPC's own applyWSSHandler, with the shared-frame encoder below).
 * Both share the socket class (corking, dropping a slow client) and a 30 s keep-alive.
 */
const PING_MS = 30_000;
const PONG_WAIT_MS = 10_000;

export interface TTrpcWebSocket {
  wss: WebSocketServer;
  /** Hands an accepted upgrade to the adapter. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Asks every client to reconnect (used before shutdown). */
  broadcastReconnect(): void;
  stop(): void;
}

export function serveTrpcWebSocket(opts: { base: ServiceContext; log: Logger; adapter: 'lean' | 'trpc' }): TTrpcWebSocket {
  const { base, log } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: base.settings.WS_MAX_PAYLOAD, WebSocket: PorticoSocket });
  const onError = ({ error, path }: { error: TRPCError; path?: string }) => logRpcError(log, 'tRPC ws', error, path);
  const perSession = new SocketsPerSession(base.settings.publicUrl, base.settings.WS_MAX_SOCKETS_PER_SESSION);
  function onClientError(err: Error) {
    log.debug({ err }, 'websocket client error');
  }
  wss.on('error', (err) => log.warn({ err }, 'websocket server error'));
  wss.on('connection', (ws) => ws.on('error', onClientError));

  if (opts.adapter === 'lean') {
    const handler = applyLeanWSSHandler({
      wss,
      router: appRouter,
      createContext: ({ req, res }) => createRpcContext(base, req, res),
      keepAlive: { enabled: true, pingMs: PING_MS, pongWaitMs: PONG_WAIT_MS },
      maxSubscriptions: base.settings.WS_MAX_SUBSCRIPTIONS,
      onError,
    });
    return {
      wss,
      accept: (req, socket, head) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.raw = socket;
          if (perSession.admit(req, ws)) wss.emit('connection', ws, req);
        }),
      broadcastReconnect: () => handler.broadcastReconnectNotification(),
      stop: () => handler.stop(),
    };
  }

  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, res }) => createRpcContext(base, req, res),
    keepAlive: { enabled: false },
    experimental_encoder: wsEncoder,
    onError,
  });
  const stopKeepAlive = keepSocketsAlive(wss, PING_MS, PONG_WAIT_MS);
  return {
    wss,
    accept: (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.raw = socket;
        if (perSession.admit(req, ws)) wss.emit('connection', ws, keptRequest(req));
      }),
    broadcastReconnect: () => handler.broadcastReconnectNotification(),
    stop: stopKeepAlive,
  };
}

/*
 * WebSocket fan-out, measured by bench/realtime.ts:
 * - while an event fans out, sockets are corked and written in runs of WRITE_BATCH, back
 *   to back as a plain broadcast writes, not one write between each subscriber's work
 *   (at most HOLD_MAX bytes are held per socket, so a replay's burst flows on);
 * - a socket with more than MAX_BUFFERED bytes unsent is dropped; its client reconnects and
 *   resumes after its last event id from the durable log;
 * - frames built once per event for all its subscribers go out as text.
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

/** UTF-8 JSON frames the tRPC-adapter encoder built once for many sockets; they go out as text. */
const sharedTextFrames = new WeakSet<Buffer>();
const TEXT = Object.freeze({ binary: false });
const clockStart = Date.now();
const sinceStart = () => Date.now() - clockStart;

type TSendOptions = Parameters<WebSocket['send']>[1];
type TSendCallback = (err?: Error) => void;

class PorticoSocket extends WebSocket {
  raw: Duplex | null = null;
  /** Keep-alive of the tRPC adapter, in ms since clockStart: the client's last message, our last "PING". */
  heardAt = sinceStart();
  pingedAt = -1;

  override send(data: Parameters<WebSocket['send']>[0], options?: TSendOptions | TSendCallback, cb?: TSendCallback): void {
    if (this.bufferedAmount > MAX_BUFFERED) return this.terminate();
    const raw = this.raw;
    if (raw && !corked.has(raw)) {
      if (!flushQueued) setImmediate(uncorkAll);
      flushQueued = true;
      raw.cork();
      corked.add(raw);
      if (corked.size >= WRITE_BATCH) uncorkAll();
    }
    if (options === undefined && Buffer.isBuffer(data) && sharedTextFrames.has(data)) options = TEXT;
    // ws reads a callback in the options' place itself.
    super.send(data, options as TSendOptions, cb);
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

/** What tRPC's adapter keeps of an upgrade request while the socket lives: what it and createRpcContext read. */
function keptRequest(req: IncomingMessage): IncomingMessage {
  return { url: req.url, method: req.method, headers: req.headers, socket: { remoteAddress: req.socket.remoteAddress } } as IncomingMessage;
}

/**
 * For tRPC's own adapter, which encodes each subscriber's message on its own. A tracked
 * event carries the bus row's payload, one object shared by all its subscribers, so its
 * message is built once per subscription id (clients number their subscriptions alike) and
 * that one UTF-8 buffer goes to every socket; the text is what JSON.stringify gives.
 * Anything else is stringified.
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
