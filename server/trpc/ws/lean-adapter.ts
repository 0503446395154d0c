import type { IncomingMessage } from 'node:http';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyRouter,
  type ProcedureType,
} from '@trpc/server';
import { jsonEncoder, type CreateWSSContextFnOptions, type Encoder, type WSSHandlerOptions } from '@trpc/server/adapters/ws';
import { parseConnectionParamsFromUnknown, type TRPCRequestInfo } from '@trpc/server/http';
import { isObservable } from '@trpc/server/observable';
import { parseTRPCMessage, TRPC_ERROR_CODES_BY_KEY, type TRPCClientOutgoingMessage, type TRPCResponseMessage } from '@trpc/server/rpc';
import { defaultTransformer } from '@trpc/server/unstable-core-do-not-import';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { FrameCache, type TRequestId } from './frames';
import { isAsyncIterable, Subscription } from './subscription';

/*
 * A lean server side for tRPC over WebSocket. It speaks exactly the wire protocol of
 * tRPC v11's ws adapter (@trpc/server/adapters/ws), so @trpc/client's wsLink works
 * unchanged: JSON-RPC requests, batches, "started"/data/"stopped" results, tracked ids and
 * `lastEventId` on resubscribe, subscription.stop, PING/PONG and the keep-alive option,
 * connectionParams (`?connectionParams=1`), the "reconnect" notification, and errors shaped
 * by the router's errorFormatter. Procedures still run through tRPC (callProcedure: its
 * middleware, input parsing and errors); only the per-socket machinery is ours:
 * - one object per connection and one per subscription, with listeners shared by all
 *   sockets (no closures per socket, no timers per socket: one keep-alive sweep);
 * - a subscription whose stream can push (server/core/event-stream.ts) is written to
 *   straight from the bus, one shared frame per event (see subscription.ts);
 * - nothing of the upgrade request is kept once the context exists, so `onError` gets
 *   `req` only while the context is being created (a placeholder afterwards).
 * Frames are shared only with JSON and no data transformer; otherwise every message is
 * encoded on its own, as tRPC does.
 */

const OPEN = 1;
const CONN = Symbol('lean-ws.connection');
type TSocket = WebSocket & { [CONN]?: Connection };
type TMessage = TRPCResponseMessage | { id: null; error: unknown } | { id: TRequestId | null; jsonrpc?: '2.0'; error: unknown };

/** Answer to a request whose error could not be formatted: it says nothing, as the formatter would have. */
const fallbackErrorShape = {
  code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
  message: 'Internal server error',
  data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
};
const NO_REQUEST = Object.freeze({}) as IncomingMessage;
const clockStart = Date.now();
const sinceStart = () => Date.now() - clockStart;

export interface TLeanWSSHandler {
  broadcastReconnectNotification(): void;
  /** Ends the keep-alive sweep (the server is closing). */
  stop(): void;
}

/** What tRPC's adapter takes, and a cap on live subscriptions per socket (tRPC's has none). */
export type TLeanWSSHandlerOptions<TRouter extends AnyRouter> = WSSHandlerOptions<TRouter> & { maxSubscriptions?: number };

/** Serves `opts.router` on `opts.wss`, as `applyWSSHandler` does. */
export function applyLeanWSSHandler<TRouter extends AnyRouter>(opts: TLeanWSSHandlerOptions<TRouter>): TLeanWSSHandler {
  const adapter = new LeanAdapter(opts as unknown as TLeanWSSHandlerOptions<AnyRouter>);
  opts.wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    if (opts.prefix && !req.url?.startsWith(opts.prefix)) return;
    adapter.connect(socket, req);
  });
  const sweep = opts.keepAlive?.enabled ? keepAlive(opts.wss, opts.keepAlive.pingMs ?? 30_000, opts.keepAlive.pongWaitMs ?? 5_000) : null;
  return {
    broadcastReconnectNotification() {
      const data = adapter.encoder.encode({ id: null, method: 'reconnect' });
      for (const client of opts.wss.clients) if (client.readyState === OPEN) client.send(data);
    },
    stop: () => (sweep ? clearInterval(sweep) : undefined),
  };
}

/** What all connections share. */
export class LeanAdapter {
  readonly router: AnyRouter;
  readonly encoder: Encoder;
  /** Shared frames for pushed events, when messages are plain JSON. */
  readonly frames: FrameCache | null;

  readonly maxSubscriptions: number;

  constructor(readonly opts: TLeanWSSHandlerOptions<AnyRouter>) {
    this.router = opts.router;
    this.maxSubscriptions = opts.maxSubscriptions ?? Infinity;
    this.encoder = opts.experimental_encoder ?? jsonEncoder;
    const plain = !opts.experimental_encoder && this.router._def._config.transformer === defaultTransformer;
    this.frames = plain ? new FrameCache() : null;
  }

  connect(socket: TSocket, req: IncomingMessage): void {
    const conn = new Connection(this, socket, req);
    socket[CONN] = conn;
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onSocketError);
    const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('connectionParams') === '1';
    if (!params) conn.createContext(() => null);
  }

  toTRPCError(cause: unknown): TRPCError {
    return getTRPCErrorFromUnknown(cause);
  }

  /** `onError` runs where a throw or rejection would crash the process: either goes to `onFailure`. */
  callOnError(info: Parameters<NonNullable<WSSHandlerOptions<AnyRouter>['onError']>>[0], onFailure: () => void = () => {}): void {
    try {
      const result: unknown = this.opts.onError?.(info);
      if (result instanceof Promise) result.catch(onFailure);
    } catch {
      onFailure();
    }
  }

  /** A failure of the error handling itself: logged when `onError` is missing or fails, never dropped. */
  reportInternalError(info: Parameters<NonNullable<WSSHandlerOptions<AnyRouter>['onError']>>[0]): void {
    const log = () => console.error('[lean-ws-adapter]', info.error);
    if (!this.opts.onError) return log();
    this.callOnError(info, log);
  }
}

/** One socket: its context and subscriptions, and the keep-alive clock. */
export class Connection {
  ctx: unknown = undefined;
  heardAt = sinceStart();
  pingedAt = -1;
  private state: 'params' | 'pending' | 'ready' | 'failed' = 'params';
  private pending: Promise<boolean> | null = null;
  private error: TRPCError | null = null;
  /** The upgrade request, until the context exists. */
  private req: IncomingMessage | null;
  /** Its subscriptions: a few per socket, so an array (a Map costs some 190 bytes more). */
  private subs: Subscription[] | null = null;
  /** `info.signal` of createContext, made only if it reads it; aborted at close. */
  private closeController: AbortController | null = null;

  constructor(
    readonly adapter: LeanAdapter,
    readonly socket: TSocket,
    req: IncomingMessage,
  ) {
    this.req = req;
  }

  ready(): boolean | Promise<boolean> {
    if (this.state === 'ready') return true;
    if (this.state === 'failed') return false;
    return this.pending!;
  }

  contextError(): TRPCError {
    return this.error ?? new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'No context' });
  }

  createContext(connectionParams: () => TRPCRequestInfo['connectionParams']): void {
    this.state = 'pending';
    this.pending = this.makeContext(connectionParams);
  }

  private async makeContext(connectionParams: () => TRPCRequestInfo['connectionParams']): Promise<boolean> {
    const req = this.req!;
    try {
      const closeSignal = () => (this.closeController ??= new AbortController()).signal;
      const info: TRPCRequestInfo = {
        connectionParams: connectionParams(),
        calls: [],
        isBatchCall: false,
        accept: null,
        type: 'unknown',
        url: null,
        get signal() {
          return closeSignal();
        },
      };
      const create = this.adapter.opts.createContext as ((o: CreateWSSContextFnOptions) => unknown) | undefined;
      this.ctx = await create?.({ req, res: this.socket, info });
      this.state = 'ready';
      return true;
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      this.error = error;
      this.state = 'failed';
      this.adapter.callOnError({ error, path: undefined, type: 'unknown', ctx: this.ctx, req, input: undefined });
      this.respondOrReport(() => ({ id: null, error: this.errorShape(error, 'unknown', undefined, undefined) }));
      setImmediate(() => this.socket.close());
      return false;
    } finally {
      this.req = null;
      this.pending = null;
    }
  }

  // ---- incoming --------------------------------------------------------------------------

  receive(data: RawData, isBinary: boolean): void {
    if (!isBinary && Buffer.isBuffer(data) && data.length === 4) {
      const text = data.toString();
      if (text === 'PONG') return;
      if (text === 'PING') {
        if (!this.adapter.opts.dangerouslyDisablePong) this.socket.send('PONG');
        return;
      }
    }
    if (!Buffer.isBuffer(data)) {
      const error = new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: 'Unexpected WebSocket message format' });
      this.respondOrReport(() => ({ id: null, error: this.errorShape(error, 'unknown', undefined, undefined) }));
      return;
    }
    const text = isBinary ? data : data.toString('utf8');
    const { encoder } = this.adapter;
    if (this.state === 'params') {
      this.createContext(() => {
        let msg: unknown;
        try {
          msg = encoder.decode(text);
          if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('Message was not an object');
        } catch (cause) {
          throw new TRPCError({ code: 'PARSE_ERROR', message: 'Malformed TRPCConnectionParamsMessage', cause });
        }
        return parseConnectionParamsFromUnknown((msg as { data?: unknown }).data);
      });
      return;
    }
    let msgs: TRPCClientOutgoingMessage[];
    try {
      const json: unknown = encoder.decode(text);
      const list: unknown[] = Array.isArray(json) ? json : [json];
      const max = this.adapter.opts.maxBatchSize;
      if (Array.isArray(json) && typeof max === 'number' && list.length > max) return this.refuseBatch(list);
      const transformer = this.adapter.router._def._config.transformer;
      msgs = list.map((raw) => parseTRPCMessage(raw, transformer));
    } catch (cause) {
      const error = new TRPCError({ code: 'PARSE_ERROR', cause });
      this.respondOrReport(() => ({ id: null, error: this.errorShape(error, 'unknown', undefined, undefined) }));
      return;
    }
    for (let i = 0; i < msgs.length; i++) this.handle(msgs[i]!, i).catch((cause: unknown) => this.reportConnectionError(cause));
  }

  private async handle(msg: TRPCClientOutgoingMessage, batchIndex: number): Promise<void> {
    const { id, jsonrpc } = msg;
    if (id === null) {
      const error = new TRPCError({ code: 'PARSE_ERROR', message: '`id` is required' });
      this.adapter.callOnError({ error, path: undefined, type: 'unknown', ctx: this.ctx, req: NO_REQUEST, input: undefined });
      this.respond({ id, jsonrpc, error: this.errorShape(error, 'unknown', undefined, undefined) });
      return;
    }
    if (msg.method === 'subscription.stop') {
      this.find(id)?.stop();
      return;
    }
    const { path, lastEventId } = msg.params;
    let { input } = msg.params;
    const type = msg.method;
    // As tRPC does: the client's last tracked id becomes input.lastEventId.
    if (lastEventId !== undefined) {
      if (typeof input === 'object' && input !== null && !Array.isArray(input)) input = { ...input, lastEventId };
      else input ??= { lastEventId };
    }
    if (type === 'subscription') {
      if (this.find(id)) {
        this.respondWithError(new TRPCError({ code: 'BAD_REQUEST', message: `Duplicate id ${id}` }), id, jsonrpc, type, path, input);
        return;
      }
      const max = this.adapter.maxSubscriptions;
      if (this.subs && this.subs.length >= max) {
        // The socket stays open and its other subscriptions keep flowing.
        const message = `Too many live updates on one connection (at most ${max}). Close some pages and try again.`;
        this.respondWithError(new TRPCError({ code: 'TOO_MANY_REQUESTS', message }), id, jsonrpc, type, path, input);
        return;
      }
      const sub = new Subscription(this, id, jsonrpc, path, input);
      // A literal holds one slot; push on an empty array reserves 17.
      if (this.subs) this.subs.push(sub);
      else this.subs = [sub];
      await sub.run(batchIndex);
      return;
    }
    try {
      if (!(await this.ready())) throw this.contextError();
      const result: unknown = await callTRPCProcedure({
        router: this.adapter.router,
        path,
        getRawInput: async () => input,
        ctx: this.ctx,
        type,
        signal: new AbortController().signal,
        batchIndex,
      });
      if (isAsyncIterable(result) || isObservable(result)) {
        throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: `Cannot return an async iterable or observable from a ${type} procedure with WebSockets` });
      }
      this.respond({ id, jsonrpc, result: { type: 'data', data: result } });
    } catch (cause) {
      this.respondWithError(cause, id, jsonrpc, type, path, input);
    }
  }

  /** A batch over `maxBatchSize`: every call in it gets the error, as tRPC answers it. */
  private refuseBatch(list: unknown[]): void {
    const error = new TRPCError({ code: 'BAD_REQUEST', message: 'Batch call exceeds maximum size' });
    this.adapter.callOnError({ error, path: undefined, type: 'unknown', ctx: this.ctx, req: NO_REQUEST, input: undefined });
    const shape = this.errorShape(error, 'unknown', undefined, undefined);
    let responded = false;
    for (const raw of list) {
      const r = raw as { method?: unknown; id?: unknown; jsonrpc?: unknown } | null;
      if (typeof r !== 'object' || r === null || r.method === 'subscription.stop') continue;
      if (typeof r.id !== 'number' && typeof r.id !== 'string') continue;
      const id = r.id;
      this.respondOrReport(() => ({ id, jsonrpc: r.jsonrpc === '2.0' ? '2.0' : undefined, error: shape }));
      responded = true;
    }
    if (!responded) this.respondOrReport(() => ({ id: null, error: shape }));
  }

  /** The socket closed: stop every subscription (nothing more is sent). */
  closed(): void {
    const subs = this.subs;
    this.subs = null;
    if (subs) for (const sub of subs) sub.stop();
    this.closeController?.abort();
  }

  release(sub: Subscription): void {
    const i = this.subs ? this.subs.indexOf(sub) : -1;
    if (i >= 0) this.subs!.splice(i, 1);
  }

  private find(id: TRequestId): Subscription | undefined {
    return this.subs?.find((s) => s.id === id);
  }

  // ---- outgoing --------------------------------------------------------------------------

  /** Drops replies once closing starts. */
  respond(message: TMessage): void {
    if (this.socket.readyState !== OPEN) return;
    this.socket.send(this.adapter.encoder.encode(transformTRPCResponse(this.adapter.router._def._config, message as TRPCResponseMessage)));
  }

  respondWithError(cause: unknown, id: TRequestId, jsonrpc: '2.0' | undefined, type: ProcedureType, path: string, input: unknown): void {
    const error = this.reportError(cause, type, path, input);
    this.respond({ id, jsonrpc, error: this.errorShape(error, type, path, input) });
  }

  reportError(cause: unknown, type: ProcedureType | 'unknown', path: string | undefined, input: unknown): TRPCError {
    const error = getTRPCErrorFromUnknown(cause);
    this.adapter.callOnError({ error, path, type, ctx: this.ctx, req: NO_REQUEST, input });
    return error;
  }

  /** The client's error, as the router's errorFormatter shapes it (a minimal one if that throws). */
  private errorShape(error: TRPCError, type: ProcedureType | 'unknown', path: string | undefined, input: unknown): unknown {
    try {
      return getTRPCErrorShape({ config: this.adapter.router._def._config, ctx: this.ctx, error, type, path, input });
    } catch (cause) {
      this.adapter.reportInternalError({ error: getTRPCErrorFromUnknown(cause), type, path, input, ctx: this.ctx, req: NO_REQUEST });
      return fallbackErrorShape;
    }
  }

  /** A response tied to no request; if it cannot be sent, the fallback error still tells the client. */
  private respondOrReport(build: () => TMessage): void {
    let message: TMessage | null = null;
    try {
      message = build();
      this.respond(message);
    } catch (cause) {
      this.reportConnectionError(cause);
      if (message === null) return;
      try {
        this.respond({ id: message.id, jsonrpc: 'jsonrpc' in message ? message.jsonrpc : undefined, error: fallbackErrorShape } as TMessage);
      } catch {
        // Nothing more can be said on this socket.
      }
    }
  }

  private reportConnectionError(cause: unknown): void {
    this.adapter.reportInternalError({ error: getTRPCErrorFromUnknown(cause), path: undefined, type: 'unknown', ctx: this.ctx, req: NO_REQUEST, input: undefined });
  }
}

// Listeners shared by every socket: `this` is the socket.
function onMessage(this: TSocket, data: RawData, isBinary: boolean): void {
  const conn = this[CONN];
  if (!conn) return;
  conn.heardAt = sinceStart();
  conn.receive(data, isBinary);
}
function onClose(this: TSocket): void {
  this[CONN]?.closed();
}
function onSocketError(this: TSocket, cause: Error): void {
  const conn = this[CONN];
  conn?.adapter.callOnError({ error: getTRPCErrorFromUnknown(cause), path: undefined, type: 'unknown', ctx: conn.ctx, req: NO_REQUEST, input: undefined });
}

/**
 * tRPC's keep-alive without a timer per socket: a socket quiet for `pingMs` gets "PING" and
 * is closed if nothing comes back within `pongWaitMs`. One sweep checks them all.
 */
function keepAlive(wss: WebSocketServer, pingMs: number, pongWaitMs: number): ReturnType<typeof setInterval> {
  const timer = setInterval(
    () => {
      const now = sinceStart();
      for (const ws of wss.clients as Set<TSocket>) {
        const conn = ws[CONN];
        if (!conn || ws.readyState !== OPEN) continue;
        if (conn.pingedAt > conn.heardAt) {
          if (now - conn.pingedAt >= pongWaitMs) ws.terminate();
        } else if (now - conn.heardAt >= pingMs) {
          conn.pingedAt = now;
          ws.send('PING');
        }
      }
    },
    Math.max(10, Math.min(pingMs, pongWaitMs) / 2),
  );
  timer.unref();
  return timer;
}
