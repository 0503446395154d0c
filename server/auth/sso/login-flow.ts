import { count, eq, lt } from 'drizzle-orm';
import { loadOidc } from './load-oidc';
import { identityProviders, ssoLoginStates, type TIdentityProvider } from '../../../db/schema/sso';
import { recordAudit } from '../../audit/record-audit';
import type { TSessionMeta } from '../session';
import { afterFirstFactor, type TSignInResult } from '../sign-in';
import { constantTimeEqual, hashToken } from '../tokens';
import { AppError, isAppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { open, seal } from '../../core/secret-box';
import { matchSsoAccount, planSsoMatch, type TIdTokenClaims } from './account-matching';
import { SSO_SCOPES } from './client-auth';
import { testReportOf, type TTestReport } from './test-sign-in';
import { providerConfig } from './discovery';

/*
 * The authorization code flow with PKCE, state and nonce. What the callback must check is
 * kept server side for 10 minutes, used once, under the SHA-256 of the state, and bound to
 * the browser that started it by a cookie (so nobody can finish their sign-in in someone
 * else's browser).
 */
const STATE_TTL_MS = 10 * 60_000;
const SCOPE = SSO_SCOPES;
const MAX_PENDING = 20_000;

/** The redirect URI registered at the provider: by slug, so it is known before the first save. */
export const callbackUrl = (ctx: ServiceContext, slug: string): string => `${ctx.settings.publicUrl}/auth/oidc/${slug}/callback`;

/** The enabled identity provider with this id, or NOT_FOUND. */
export async function enabledIdentityProvider(ctx: ServiceContext, idpId: number, evenTurnedOff = false): Promise<TIdentityProvider> {
  const idp = (await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, idpId)))[0];
  // A test sign-in may try a provider before it is turned on for everyone.
  if (!idp || (!idp.enabled && !evenTurnedOff)) throw new AppError('NOT_FOUND', 'This sign-in option is not available. Sign in with your email address.');
  return idp;
}

export interface TBeginInput {
  idpId: number;
  /** The random value in the browser's SSO cookie. */
  browserToken: string;
  loginHint?: string | null;
  /** A path on the portal to open once signed in. */
  returnTo?: string | null;
  /** "Test sign-in" by this staff admin: the callback reports what it received and signs nobody in. */
  testByUserId?: number | null;
}

/** Starts a sign-in: stores what the callback checks and returns the provider's authorization URL. */
export async function beginSsoLogin(ctx: ServiceContext, input: TBeginInput): Promise<string> {
  const idp = await enabledIdentityProvider(ctx, input.idpId, !!input.testByUserId);
  const config = await providerConfig(ctx, idp);
  const oidc = await loadOidc();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = ctx.clock.now();
  (await ctx.db.delete(ssoLoginStates).where(lt(ssoLoginStates.expiresAt, now)));
  // Each start stores a row for 10 minutes; a bound keeps a flood of starts from filling the disk.
  if (((await ctx.db.select({ n: count() }).from(ssoLoginStates))[0]?.n ?? 0) >= MAX_PENDING) {
    throw new AppError('RATE_LIMITED', 'Too many sign-ins are in progress. Try again in a few minutes.');
  }
  (await ctx.db
    .insert(ssoLoginStates)
    .values({
      stateHash: hashToken(state),
      idpId: idp.id,
      browserHash: hashToken(input.browserToken),
      nonce,
      codeVerifierSealed: seal(ctx.settings.secretKey, new TextEncoder().encode(verifier)),
      returnTo: input.returnTo ?? null,
      testByUserId: input.testByUserId ?? null,
      expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    }));
  const params: Record<string, string> = {
    redirect_uri: callbackUrl(ctx, idp.slug),
    scope: SCOPE,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  };
  const hint = input.loginHint?.trim();
  if (hint && hint.length <= 254) params.login_hint = hint;
  return oidc.buildAuthorizationUrl(config, params).href;
}

export type TSsoOutcome =
  | { kind: 'result'; result: TSignInResult; returnTo: string | null }
  | { kind: 'refused'; message: string }
  | { kind: 'test'; report: TTestReport; testByUserId: number };

const EXPIRED = 'This sign-in has expired or was already used. Please sign in again.';

/**
 * The callback: takes the stored state (once), has openid-client check the response and
 * the ID token (issuer, audience, expiry, signature, nonce, PKCE), matches the account and
 * continues like any first factor: the two-factor step unless the provider setting skips
 * it, session limits, then the session.
 */
export async function finishSsoLogin(
  ctx: ServiceContext,
  idpId: number,
  query: URLSearchParams,
  browserToken: string | null,
  meta: TSessionMeta,
): Promise<TSsoOutcome> {
  const refuse = async (reason: string, message: string, extra: Record<string, unknown> = {}): Promise<TSsoOutcome> => {
    await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sign_in_failed', ip: meta.ip, detail: { step: 'sso', reason, identityProvider: idpId, ...extra } });
    return { kind: 'refused', message };
  };
  const state = query.get('state') ?? '';
  const row = state ? (await ctx.db.delete(ssoLoginStates).where(eq(ssoLoginStates.stateHash, hashToken(state))).returning())[0]! : undefined;
  if (!row || row.idpId !== idpId || row.expiresAt <= ctx.clock.now()) return await refuse('sso_state', EXPIRED);
  if (!browserToken || !constantTimeEqual(hashToken(browserToken), row.browserHash)) return await refuse('sso_browser', EXPIRED);

  let idp: TIdentityProvider;
  try {
    idp = await enabledIdentityProvider(ctx, idpId, row.testByUserId !== null);
  } catch (err) {
    if (isAppError(err)) return await refuse('sso_disabled', err.message);
    throw err;
  }
  const failed = `Signing in with ${idp.displayName} did not work. Please try again, or log in with your Client Portal user account.`;
  const exchanged = await exchangeCode(ctx, idp, query, state, new TextDecoder().decode(open(ctx.settings.secretKey, row.codeVerifierSealed)), row.nonce);
  if (row.testByUserId !== null) {
    const plan = exchanged.ok ? await planSsoMatch(ctx, idp, exchanged.claims) : null;
    return { kind: 'test', testByUserId: row.testByUserId, report: testReportOf(idp, exchanged, plan) };
  }
  if (!exchanged.ok) {
    if (exchanged.unreachable) return await refuse('sso_unreachable', exchanged.unreachable);
    ctx.log.warn({ err: exchanged.err, idp: idp.id }, 'single sign-on response refused');
    return await refuse(exchanged.reason, failed, exchanged.reason === 'sso_invalid' ? { error: exchanged.code } : {});
  }
  const claims = exchanged.claims;

  const match = await matchSsoAccount(ctx, idp, claims, meta.ip);
  if (!match.ok) return await refuse(match.reason, match.message, { email: typeof claims.email === 'string' ? claims.email : null });
  try {
    const result = await afterFirstFactor(ctx, match.userId, { ...meta, sso: { idpId: idp.id } }, { skipSecondFactor: idp.skipTwoFactor });
    return { kind: 'result', result, returnTo: row.returnTo };
  } catch (err) {
    if (isAppError(err) && err.code !== 'INTERNAL') return await refuse('sso_account', err.message);
    throw err;
  }
}

export type TExchange =
  | { ok: true; claims: TIdTokenClaims; emailFrom: 'id_token' | 'userinfo' | 'none' }
  | { ok: false; reason: 'sso_no_id_token' | 'sso_invalid' | 'sso_unreachable'; code: string; detail: string; unreachable?: string; err?: unknown };

/**
 * Trades the code for tokens: openid-client checks the response and the ID token (issuer,
 * audience, expiry, signature, nonce, PKCE). Some providers keep the email out of the ID
 * token: then UserInfo is asked, which must name the same `sub`.
 */
async function exchangeCode(ctx: ServiceContext, idp: TIdentityProvider, query: URLSearchParams, state: string, verifier: string, nonce: string): Promise<TExchange> {
  try {
    const config = await providerConfig(ctx, idp);
    const currentUrl = new URL(`${callbackUrl(ctx, idp.slug)}?${query.toString()}`);
    const oidc = await loadOidc();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const idToken = tokens.claims();
    if (!idToken) return { ok: false, reason: 'sso_no_id_token', code: 'no_id_token', detail: 'The token response had no ID token.' };
    let claims: TIdTokenClaims = { ...idToken };
    let emailFrom: 'id_token' | 'userinfo' | 'none' = claims.email === undefined ? 'none' : 'id_token';
    if (claims.email === undefined && tokens.access_token) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      claims = { ...claims, email: info.email, email_verified: info.email_verified, name: claims.name ?? info.name };
      if (info.email !== undefined) emailFrom = 'userinfo';
    }
    return { ok: true, claims, emailFrom };
  } catch (err) {
    if (isAppError(err)) return { ok: false, reason: 'sso_unreachable', code: 'unreachable', detail: err.message, unreachable: err.message };
    const e = err as { code?: unknown; error?: unknown; error_description?: unknown; message?: unknown };
    const code = typeof e.error === 'string' ? e.error : typeof e.code === 'string' ? e.code : 'invalid_response';
    const description = typeof e.error_description === 'string' ? `: ${e.error_description}` : '';
    const detail = `${typeof e.message === 'string' ? e.message : 'The response was refused'}${description}`;
    return { ok: false, reason: 'sso_invalid', code, detail, err };
  }
}
