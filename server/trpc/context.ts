import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { ServiceContext } from '../core/context';
import { readSessionToken, sessionIdFromToken } from '../auth/session';
import { describeUserAgent } from '../auth/user-agent';
import { readDeviceToken } from '../auth/device-cookie';
import { clientIp } from '../core/client-ip';

/** What every tRPC call knows: the base services, who (by cookie) and from where. */
export interface TRpcContext {
  base: ServiceContext;
  sessionId: string | null;
  ip: string;
  userAgent: string;
  /** The remembered-device cookie (seed 003), if any. */
  deviceToken: string | null;
  transport: 'http' | 'ws';
  /** HTTP only: queue a Set-Cookie header on the response. */
  setCookie: (cookie: string) => void;
  /** WebSocket only: close this connection (its session ended, or it has none). */
  closeConnection: (reason: TCloseReason) => void;
}

/** Called per HTTP request and once per WebSocket connection (the session is re-checked per call). */
export function createRpcContext(base: ServiceContext, req: IncomingMessage, res: ServerResponse | WebSocket): TRpcContext {
  const token = readSessionToken(base.settings.publicUrl, req.headers.cookie);
  const isHttp = 'setHeader' in res;
  return {
    base,
    sessionId: token ? sessionIdFromToken(token) : null,
    ip: clientIp(req, base.settings),
    userAgent: String(req.headers['user-agent'] ?? ''),
    deviceToken: readDeviceToken(base.settings.publicUrl, req.headers.cookie),
    transport: isHttp ? 'http' : 'ws',
    // One small closure per context: a WebSocket context lives as long as its socket.
    closeConnection: isHttp ? ignore : closerOf(res),
    setCookie: isHttp ? cookieSetterOf(res) : ignore,
  };
}

const ignore = () => {};

/** Close codes a client can tell apart: its session ended while open, or it was never (or no longer) signed in. */
export type TCloseReason = 'session_ended' | 'signed_out';
const CLOSE_CODES: Record<TCloseReason, [number, string]> = { session_ended: [4001, 'Session ended'], signed_out: [4401, 'Please sign in'] };

/*
 * The closures are returned anonymous: a named one (`closeConnection: () => …`) gets
 * tsx's __name(), which gives the function its own property table (about 250 bytes each).
 */
function closerOf(ws: WebSocket): (reason: TCloseReason) => void {
  // After a short delay, so the message that explains why is sent first.
  return (reason) => void setTimeout(() => ws.close(...CLOSE_CODES[reason]), 250).unref();
}
function cookieSetterOf(res: ServerResponse): (cookie: string) => void {
  return (cookie) => {
    const prev = res.getHeader('Set-Cookie');
    res.setHeader('Set-Cookie', [...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []), cookie]);
  };
}

export const sessionMetaOf = (ctx: TRpcContext) => ({ ...describeUserAgent(ctx.userAgent), ip: ctx.ip, deviceToken: ctx.deviceToken });
