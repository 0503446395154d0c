import type { IncomingHttpHeaders } from 'node:http';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../../server/trpc/router';

/**
 * The real tRPC client as a browser uses it: HTTP with a cookie jar for queries and
 * mutations; WebSocket for subscriptions, opened with the portal's Origin and the cookie
 * as they are when `live()` is called (a browser opens its socket after signing in too).
 * `url` is where requests go when it is not the origin (one node of several behind one
 * public origin); `live` may open its socket on another node.
 */
export function createTestClient(origin: string, opts: { url?: string } = {}) {
  const base = opts.url ?? origin;
  let cookie = '';
  const fetchWithJar: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      cookie = pair.endsWith('=') ? '' : pair;
    }
    return res;
  };
  const http = httpBatchLink({ url: `${base}/trpc`, fetch: fetchWithJar, maxItems: 10 });
  const client = createTRPCClient<AppRouter>({ links: [http] });
  const sockets: ReturnType<typeof createWSClient>[] = [];

  /**
   * A client whose subscriptions run over a new WebSocket carrying the current cookie.
   * `onUpgrade` sees the headers of each accepted upgrade (the first and every reconnect).
   */
  function live(on: { url?: string; onClose?: (cause?: { code?: number }) => void; onUpgrade?: (headers: IncomingHttpHeaders) => void } = {}) {
    const sentCookie = cookie;
    const ws = createWSClient({
      url: `${(on.url ?? base).replace(/^http/, 'ws')}/trpc`,
      onClose: on.onClose,
      WebSocket: class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols, { headers: { origin, cookie: sentCookie } });
          if (on.onUpgrade) this.on('upgrade', (res) => on.onUpgrade!(res.headers));
        }
      } as unknown as typeof globalThis.WebSocket,
    });
    sockets.push(ws);
    return createTRPCClient<AppRouter>({
      links: [splitLink({ condition: (op) => op.type === 'subscription', true: wsLink({ client: ws }), false: http })],
    });
  }

  return {
    client,
    live,
    cookie: () => cookie,
    close: async () => {
      await Promise.all(sockets.map((s) => s.close()));
    },
  };
}
