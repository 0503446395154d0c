import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../../server/trpc/router';

/*
 * A scripted browser for single sign-on over plain HTTP: a cookie jar per host, redirects
 * followed by hand, and the test identity provider's login form filled in. It stops where a
 * browser would show a portal page (/ or /sign-in?sso=…), so tests read where SSO ended.
 */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();
  header(url: string): string {
    const jar = this.byHost.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair!.trim().split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name!);
      else jar.set(name!, value);
    }
    this.byHost.set(host, jar);
  }
  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
}

export interface TFlowEnd {
  /** The portal page the flow ended on: "/", or "/sign-in?sso=…". */
  location: string;
  /** The sign-in page's handoff token, when the flow ended there. */
  handoff: string | null;
  /** Every URL visited, for assertions on the route taken. */
  visited: string[];
}

/**
 * Opens `startUrl` and follows the redirects, signing in at the identity provider as
 * `login` when its login page shows. `portalOrigin` marks where the flow ends.
 */
export async function followSsoFlow(startUrl: string, opts: { jar: CookieJar; portalOrigin: string; login: string }): Promise<TFlowEnd> {
  const visited: string[] = [];
  let url = startUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    visited.push(url);
    const headers = new Headers(init.headers);
    const cookie = opts.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    opts.jar.store(url, res);
    init = {};
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      await res.arrayBuffer();
      if (next.origin === opts.portalOrigin && !next.pathname.startsWith('/auth/oidc/')) {
        return { location: `${next.pathname}${next.search}`, handoff: next.searchParams.get('sso'), visited };
      }
      url = next.href;
      continue;
    }
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`unexpected page at ${url}: ${res.status} ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))), url).href;
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: opts.login }).toString() };
  }
  throw new Error(`too many redirects from ${startUrl}`);
}

/** A tRPC client whose cookies come from (and go to) the jar, as the portal page's would. */
export function jarClient(origin: string, jar: CookieJar) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${origin}/trpc`,
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          const cookie = jar.header(origin);
          if (cookie) headers.set('cookie', cookie);
          const res = await fetch(input, { ...init, headers });
          jar.store(origin, res);
          return res;
        },
      }),
    ],
  });
}
