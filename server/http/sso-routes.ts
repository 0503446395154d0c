import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readDeviceToken } from '../auth/device-cookie';
import { serializeSessionCookie, type TSessionMeta } from '../auth/session';
import { generateToken } from '../auth/tokens';
import { describeUserAgent } from '../auth/user-agent';
import { isAppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { createHandoff, type TSsoHandoff } from '../auth/sso/handoffs';
import { beginSsoLogin, enabledIdentityProvider, finishSsoLogin } from '../auth/sso/login-flow';
import { identityProviderIdOf, signingPublicKey } from '../auth/sso/identity-providers';
import { hiddenSignInTarget } from '../auth/sso/sign-in-options';
import { saveTestReport, takeTestTicket } from '../auth/sso/test-sign-in';
import { clientIp } from '../core/client-ip';

/*
 * Single sign-on's browser routes, adapters over server/sso:
 *   GET /auth/oidc/<id>/start[?login_hint=][?test=]    → the provider's authorization page
 *   GET /auth/oidc/<id>/callback?code&state&iss        → session cookie, then / or /sign-in?sso=<handoff>
 *                                                        (a test sign-in: /staff/sso?report=<token>, no cookie)
 *   GET /auth/oidc/<id>/initiate?iss&login_hint&target_link_uri  (OIDC third-party-initiated login)
 *   GET /auth/oidc/<id>/jwks                           → the public key for private_key_jwt
 * where <id> is the provider's slug (the redirect URI registered at the provider) or its id;
 * and GET /sign-in, sent straight to a provider that hides the sign-in page (unless
 * ?local=1, the way in for staff administrators, or the page is showing an SSO outcome).
 */
const ROUTE = /^\/auth\/oidc\/([a-z0-9][a-z0-9-]{0,39})\/(start|callback|initiate|jwks)$/;
const BROWSER_COOKIE = 'portico_sso';
const COOKIE_RE = /^[a-z2-7]{32}$/;

/** Takes the request when it is one of the routes above; false lets the caller serve it. */
export async function routeSso(base: ServiceContext, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://portal.invalid');
  if (url.pathname === '/sign-in') return await redirectHiddenSignIn(base, req, res, url);
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET' }).end();
    return true;
  }
  const step = m[2] as 'start' | 'callback' | 'initiate' | 'jwks';
  const run = identityProviderIdOf(base, m[1]!).then(async (idpId) => {
    if (idpId === null) {
      if (step === 'jwks') res.writeHead(404).end();
      else await toSignIn(base, res, { kind: 'error', message: 'This sign-in option is not available. Sign in with your email address.' });
      return;
    }
    if (step === 'jwks') return await jwks(base, res, idpId);
    if (step === 'callback') return await callback(base, req, res, idpId, url);
    return await start(base, req, res, idpId, url, step === 'initiate');
  });
  run.catch(async (err: unknown) => {
    log.error({ err, step }, 'single sign-on request failed');
    if (!res.headersSent) await toSignIn(base, res, { kind: 'error', message: 'Single sign-on did not work. Please try again.' });
  });
  return true;
}

async function redirectHiddenSignIn(base: ServiceContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method !== 'GET' || ['local', 'sso', 'signed_out'].some((k) => url.searchParams.has(k))) return false;
  const target = await hiddenSignInTarget(base);
  if (!target) return false;
  redirect(res, target);
  return true;
}

async function start(base: ServiceContext, req: IncomingMessage, res: ServerResponse, idpId: number, url: URL, initiated: boolean): Promise<void> {
  const q = url.searchParams;
  let returnTo: string | null = null;
  try {
    if (initiated) {
      // OIDC Core 4: the `iss` of a third-party-initiated login must be this provider's issuer.
      const idp = await enabledIdentityProvider(base, idpId);
      if (normalizeIssuer(q.get('iss') ?? '') !== normalizeIssuer(idp.issuerUrl)) {
        return await toSignIn(base, res, { kind: 'error', message: `This sign-in link did not come from ${idp.displayName}. Sign in from this page instead.` });
      }
      returnTo = samePortalPath(base, q.get('target_link_uri'));
    }
    let testByUserId: number | null = null;
    if (!initiated && q.has('test')) {
      testByUserId = await takeTestTicket(base, idpId, q.get('test') ?? '');
      if (testByUserId === null) return redirect(res, '/staff/sso?report=expired');
    }
    const cookie = readCookie(req, BROWSER_COOKIE);
    const browserToken = cookie && COOKIE_RE.test(cookie) ? cookie : generateToken();
    const location = await beginSsoLogin(base, { idpId, browserToken, loginHint: q.get('login_hint'), returnTo, testByUserId });
    const secure = base.settings.publicUrl.startsWith('https://');
    res.setHeader('Set-Cookie', `${BROWSER_COOKIE}=${browserToken}; Path=/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age=600${secure ? '; Secure' : ''}`);
    redirect(res, location);
  } catch (err) {
    if (!isAppError(err) || err.code === 'INTERNAL') throw err;
    await toSignIn(base, res, { kind: 'error', message: err.message });
  }
}

async function callback(base: ServiceContext, req: IncomingMessage, res: ServerResponse, idpId: number, url: URL): Promise<void> {
  const meta: TSessionMeta = {
    ...describeUserAgent(req.headers['user-agent']),
    ip: clientIp(req, base.settings),
    deviceToken: readDeviceToken(base.settings.publicUrl, req.headers.cookie),
  };
  const outcome = await finishSsoLogin(base, idpId, url.searchParams, readCookie(req, BROWSER_COOKIE), meta);
  if (outcome.kind === 'refused') return await toSignIn(base, res, { kind: 'error', message: outcome.message });
  // A test sign-in sets no cookie: the admin's own session stays as it was.
  if (outcome.kind === 'test') return redirect(res, `/staff/sso?report=${await saveTestReport(base, outcome.testByUserId, outcome.report)}`);
  const { device: _device, ...result } = outcome.result;
  if (result.kind !== 'signed-in') return await toSignIn(base, res, result);
  // The same cookie the tRPC sign-in sets; the token itself never goes in a URL.
  res.setHeader('Set-Cookie', serializeSessionCookie(base.settings.publicUrl, result.token, base.settings.SESSION_ABSOLUTE_HOURS * 3600));
  if (result.chosen) return redirect(res, outcome.returnTo ?? '/');
  await toSignIn(base, res, { kind: 'signed-in', accounts: result.accounts, chosen: null });
}

/** The public half of the provider's private_key_jwt signing key, for providers that fetch a jwks_uri. */
async function jwks(base: ServiceContext, res: ServerResponse, idpId: number): Promise<void> {
  const key = await signingPublicKey(base, idpId);
  if (!key) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(JSON.stringify({ keys: [key] }));
}

/** Back to the sign-in page with what it shows next, under a single-use token. */
async function toSignIn(base: ServiceContext, res: ServerResponse, payload: TSsoHandoff): Promise<void> {
  redirect(res, `/sign-in?sso=${(await createHandoff(base, payload))}`);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
}

function normalizeIssuer(s: string): string {
  return s.trim().replace(/\/+$/, '');
}

/** `target_link_uri` only ever leads to a page of this portal (never an open redirect). */
function samePortalPath(base: ServiceContext, target: string | null): string | null {
  if (!target) return null;
  try {
    const u = new URL(target);
    if (u.origin !== new URL(base.settings.publicUrl).origin) return null;
    const path = `${u.pathname}${u.search}`;
    return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/auth/oidc/') ? path : null;
  } catch {
    return null;
  }
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v) return v;
  }
  return null;
}
