import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type TKoaContext } from 'oidc-provider';

/*
 * A real OpenID Connect identity provider (panva's oidc-provider) on loopback, for the SSO
 * tests. Accounts and their email/email_verified claims are the test's to set; its login
 * page is a plain form ("Username", "Sign in") a browser fills in; consent is implied. A
 * `tamper` switch rewrites the ID token the token endpoint returns, re-signed with the
 * provider's real key (wrong audience, wrong nonce, wrong issuer, expired) or not re-signed
 * at all (bad signature), so the portal's checks are tested one at a time.
 */

export interface TIdpAccount {
  /** What is typed into "Username" on the provider's login page. */
  login: string;
  sub: string;
  email?: string;
  /** Left out of the claims when undefined (as Microsoft Entra ID does). */
  emailVerified?: boolean;
  name?: string;
}

export type TTamper = 'audience' | 'nonce' | 'issuer' | 'expired' | 'signature';

export interface TTestIdp {
  issuer: string;
  /** Accounts by login; change them freely between sign-ins. */
  accounts: Map<string, TIdpAccount>;
  setAccount(account: TIdpAccount): void;
  /** `tokenAuthMethod` as the provider's admin sets it (default client_secret_post); `jwks`: the client's public keys for private_key_jwt. */
  registerClient(client: { clientId: string; clientSecret: string; redirectUri: string; tokenAuthMethod?: string; jwks?: { keys: object[] } }): Promise<void>;
  /** Rewrites the next ID tokens the token endpoint returns; null: honest tokens. */
  tamper: TTamper | null;
  /** An "app dashboard" page with one link per tile (IdP-initiated sign-in). */
  dashboardUrl: string;
  dashboardTiles: { name: string; url: string }[];
  stop(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;

/** `emailInIdToken: false` keeps the email claims in UserInfo only (as some providers do). */
export async function startTestIdp(opts: { emailInIdToken?: boolean } = {}): Promise<TTestIdp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-idp-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, TIdpAccount>();
  const bySub = (sub: string) => [...accounts.values()].find((a) => a.sub === sub);

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    cookies: { keys: ['portico-test-idp-cookie-key-0123456789'] },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Like Google: the email claims are in the ID token itself (unless asked otherwise).
    conformIdTokenClaims: opts.emailInIdToken === false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Set, so the provider does not print a notice for each default.
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const a = bySub(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(a.email !== undefined ? { email: a.email } : {}),
          ...(a.emailVerified !== undefined ? { email_verified: a.emailVerified } : {}),
          ...(a.name !== undefined ? { name: a.name } : {}),
        }),
      };
    },
    // Consent is implied for the portal (a first-party app): every sign-in grants the scopes.
    loadExistingGrant: async (ctx: TKoaContext) => {
      const clientId = ctx.oidc.client!.clientId;
      const existing = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(clientId);
      if (existing) return provider.Grant.find(existing);
      const grant = new provider.Grant({ accountId: ctx.oidc.session!.accountId!, clientId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  });

  const idp: TTestIdp = {
    issuer,
    accounts,
    setAccount: (a) => void accounts.set(a.login, a),
    registerClient: (c) =>
      provider.Client.adapter.upsert(c.clientId, {
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [c.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // The provider accepts only the method registered, as real ones do.
        token_endpoint_auth_method: c.tokenAuthMethod ?? 'client_secret_post',
        ...(c.jwks ? { jwks: c.jwks, token_endpoint_auth_signing_alg: 'ES256' } : {}),
      }),
    tamper: null,
    dashboardUrl: `${issuer}/dashboard`,
    dashboardTiles: [],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  provider.use(async (ctx, next) => {
    await next();
    // oidc-provider takes the secret by either client_secret_* method; like stricter providers,
    // answer invalid_client when the portal did not use the one registered.
    const method = ctx.method === 'POST' && ctx.path === '/token' ? ctx.oidc?.client?.clientAuthMethod : undefined;
    const basic = /^basic /i.test(ctx.get('authorization'));
    if ((method === 'client_secret_basic' && !basic) || (method === 'client_secret_post' && basic)) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: `this client must authenticate with ${method}` };
      return;
    }
    const body = ctx.body as { id_token?: string } | undefined;
    if (idp.tamper && ctx.method === 'POST' && ctx.path === '/token' && ctx.status === 200 && body?.id_token) {
      ctx.body = { ...body, id_token: tamperWith(body.id_token, idp.tamper, privateKey) };
    }
  });

  const oidcHandler = provider.callback();
  handle = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/dashboard') {
      const tiles = idp.dashboardTiles.map((t) => `<li><a href="${esc(t.url)}">${esc(t.name)}</a></li>`).join('');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page('My apps', `<ul>${tiles}</ul>`));
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      interaction(provider, accounts, req, res, url).catch((err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
      });
      return;
    }
    oidcHandler(req, res);
  };
  return idp;
}

/** The provider's own login page: GET shows it, POST …/login signs the account in. */
async function interaction(provider: Provider, accounts: Map<string, TIdpAccount>, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const form = (error = '') =>
    page(
      'Test identity provider',
      `${error ? `<p role="alert">${esc(error)}</p>` : ''}<form method="post" action="/interaction/${esc(details.uid)}/login">` +
        `<label for="login">Username</label><input id="login" name="login" autocomplete="username" value="${esc(String(details.params.login_hint ?? ''))}">` +
        `<button type="submit">Sign in</button></form>`,
    );
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(form());
    return;
  }
  if (req.method === 'POST' && url.pathname.endsWith('/login')) {
    const body = new URLSearchParams(await readBody(req));
    const login = (body.get('login') ?? '').trim();
    const account = accounts.get(login) ?? [...accounts.values()].find((a) => a.email === login);
    if (!account) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(form('No such user.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405).end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function tamperWith(idToken: string, how: TTamper, key: KeyObject): string {
  const [header, payload, signature] = idToken.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  if (how === 'audience') claims.aud = 'some-other-client';
  if (how === 'nonce') claims.nonce = 'not-the-nonce-the-portal-sent';
  if (how === 'issuer') claims.iss = 'https://idp.invalid';
  if (how === 'expired') {
    claims.iat = Math.floor(Date.now() / 1000) - 7200;
    claims.exp = Math.floor(Date.now() / 1000) - 3600;
  }
  if (how === 'signature') claims.email = 'someone-else@northwind.test';
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  if (how === 'signature') return `${header}.${body}.${signature}`;
  const resigned = sign('sha256', Buffer.from(`${header}.${body}`), key).toString('base64url');
  return `${header}.${body}.${resigned}`;
}
