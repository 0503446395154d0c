import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { listAccounts, type TAccountChoice } from './accounts';
import { hashPassword } from './password';
import { checkPassword } from './password-check';
import { ZChooseAccountInput, ZContinueAfterLimitInput, ZTwoFactorInput, ZPasswordSignInInput, ZStartSignInInput, type TPasswordSignInInput } from './schemas';
import { summarizeSession, type TSessionSummary } from './active-sessions';
import { endSession } from './end-session';
import { sessionLimitFor, sessionsInBucket } from './session-limits';
import { useRecoveryCode, verifyTotp } from './totp';
import { verifySmsCode } from './sms/sms-codes';
import { hasSecondFactor, secondFactorMethods, type TSecondFactorMethod } from './second-factors';
import { createUserSession, setSessionAccount, type TSessionMeta } from './session';
import { isTrustedDevice, trustDevice } from './trusted-devices';
import { accountsForSession, accountsInScope, recordSsoSession } from './sso/account-scope';
import { passwordRefusedBySso, signInOptionsFor, type TSsoButton } from './sso/sign-in-options';
import { createPendingSignIn, findPendingSignIn, markSecondFactorDone, takePendingSignIn, type TPendingSignIn } from './pending-sign-ins';

const EXPIRED = 'This sign-in has expired. Please sign in again.';
/** Seed 001: a locked-out person is told so, and how to unlock; every locked email, known or not, gets it. */
export const LOCKED = 'This account is locked after too many failed sign-in attempts. To unlock it, use "Forgot password?" to set a new password, or ask your administrator.';
const GENERIC_FAILURE = 'That email address and password did not work. Check them and try again, or use "Forgot password?".';

/**
 * Email-first step. Every address, known or not, gets the same answer so the page cannot
 * be used to find accounts: the SSO buttons and the password form follow the address's
 * domain and the providers' settings (server/sso/sign-in-options.ts), never the account.
 */
export async function startSignIn(ctx: ServiceContext, input: unknown): Promise<{ email: string; password: boolean; sso: TSsoButton[] }> {
  const { email } = ZStartSignInInput.parse(input);
  return { email, ...await signInOptionsFor(ctx, email) };
}

export type TSignedIn = { kind: 'signed-in'; token: string; sessionId: string; accounts: TAccountChoice[]; chosen: TAccountChoice | null };
export type TSessionLimitReached = { kind: 'session-limit'; pendingToken: string; sessions: TSessionSummary[] };
export type TTwoFactorNeeded = { kind: 'two-factor'; pendingToken: string; methods: TSecondFactorMethod[] };
/** `device` is set when the browser asked to be remembered: its cookie token and expiry. */
export type TSignInResult = (TSignedIn | TSessionLimitReached | TTwoFactorNeeded) & { device?: { token: string; expiresAt: Date } };

/**
 * Password step: throttles failures per IP and per IP + email before hashing (a right password
 * gives its place back), locks after LOCKOUT_ATTEMPTS failures and then says so, with the same
 * words and cost whether or not the email has an account.
 */
export async function signInWithPassword(
  ctx: ServiceContext,
  input: TPasswordSignInInput,
  meta: TSessionMeta,
): Promise<TSignInResult> {
  const { email, password } = ZPasswordSignInInput.parse(input);
  const { passwordPerIp, passwordPerIpEmail } = ctx.rateLimits;
  const pair = `${meta.ip} ${email}`;
  const start = ctx.clock.now();
  const ipAllowed = await passwordPerIp.consume(meta.ip, start);
  if (!ipAllowed || !await passwordPerIpEmail.consume(pair, start)) {
    throw new AppError('RATE_LIMITED', 'Too many sign-in attempts from your network. Wait a few minutes and try again.');
  }
  const checked = await checkPassword(ctx, email, password, meta.ip, 'sign_in');
  if (!checked.ok) throw new AppError('UNAUTHENTICATED', checked.locked ? LOCKED : GENERIC_FAILURE);
  await Promise.all([passwordPerIp.refund(meta.ip, start), passwordPerIpEmail.refund(pair, start)]);
  const { user } = checked;
  const ssoOnly = await passwordRefusedBySso(ctx, user.id);
  if (ssoOnly) throw new AppError('FORBIDDEN', ssoOnly);
  return afterFirstFactor(ctx, user.id, meta, { skipSecondFactor: false });
}

/**
 * After a first factor (password, or an identity provider's sign-in): the second-factor
 * step when the user has one, else the session. A browser remembered after an earlier
 * second factor (seed 003) skips the code for 30 days; SSO may skip it by provider setting.
 */
export async function afterFirstFactor(
  ctx: ServiceContext,
  userId: number,
  meta: TSessionMeta,
  opts: { skipSecondFactor: boolean },
): Promise<TSignInResult> {
  if ((await listAccounts(ctx.db, userId)).length === 0) {
    throw new AppError('FORBIDDEN', 'Your portal access has been turned off. Contact your service provider.');
  }
  const methods = await secondFactorMethods(ctx, userId);
  const has = methods.some((m) => m !== 'recovery');
  if (has && !opts.skipSecondFactor && !await isTrustedDevice(ctx, userId, meta.deviceToken)) {
    const pendingToken = await createPendingSignIn(ctx, userId, meta, false);
    return { kind: 'two-factor', pendingToken, methods };
  }
  return afterAllFactors(ctx, userId, meta, null, has);
}

/** A sign-in that proved both factors at once (a passkey with user verification). */
export async function afterBothFactors(ctx: ServiceContext, userId: number, meta: TSessionMeta): Promise<TSignInResult> {
  if ((await listAccounts(ctx.db, userId)).length === 0) {
    throw new AppError('FORBIDDEN', 'Your portal access has been turned off. Contact your service provider.');
  }
  return afterAllFactors(ctx, userId, meta, null, true);
}

/** Session limit check, then the session. `pendingToken` is reused when the limit asks for a choice. */
async function afterAllFactors(
  ctx: ServiceContext,
  userId: number,
  meta: TSessionMeta,
  pendingToken: string | null,
  twoFactorVerified: boolean,
): Promise<TSignInResult> {
  const existing = await sessionsInBucket(ctx, userId, meta.deviceClass);
  if (existing.length >= sessionLimitFor(ctx, meta.deviceClass)) {
    // Seed 001 "Too many active sessions": the user ends one to continue, or cancels.
    const token = pendingToken ?? await createPendingSignIn(ctx, userId, meta, true);
    return { kind: 'session-limit', pendingToken: token, sessions: existing.map(summarizeSession) };
  }
  // Taken in one statement: of two requests finishing one pending sign-in (on any nodes), one opens the session.
  if (pendingToken && !await takePendingSignIn(ctx, pendingToken)) throw new AppError('UNAUTHENTICATED', EXPIRED);
  return openSession(ctx, userId, meta, twoFactorVerified);
}

async function openSession(ctx: ServiceContext, userId: number, meta: TSessionMeta, twoFactorVerified: boolean): Promise<TSignedIn> {
  // A session opened by an identity provider may use only the accounts it applies to.
  const accounts = meta.sso ? await accountsInScope(ctx, meta.sso.idpId, userId) : await listAccounts(ctx.db, userId);
  const chosen = accounts.length === 1 ? (accounts[0] ?? null) : null;
  const { token, sessionId } = await createUserSession(ctx, userId, meta, chosen, twoFactorVerified, !meta.sso);
  if (meta.sso) await recordSsoSession(ctx, sessionId, meta.sso.idpId);
  await recordAudit(ctx.db, ctx.clock.now(), {
    kind: 'sign_in',
    userId,
    providerId: chosen?.providerId ?? null,
    ip: meta.ip,
    detail: { deviceClass: meta.deviceClass, browser: meta.browser, twoFactor: twoFactorVerified },
  });
  return { kind: 'signed-in', token, sessionId, accounts, chosen };
}

/** The two-factor step (seed 002): a code from the authenticator app, a texted code (seed 003), or a recovery code. */
export async function completeTwoFactor(ctx: ServiceContext, input: unknown): Promise<TSignInResult> {
  const { pendingToken, method, code, rememberDevice } = ZTwoFactorInput.parse(input);
  return passSecondFactor(ctx, pendingToken, method, rememberDevice, async (userId) => {
    if (method === 'totp') await verifyTotp(ctx, userId, code);
    else if (method === 'sms') await verifySmsCode(ctx, userId, pendingToken, code);
    else await useRecoveryCode(ctx, userId, code);
  });
}

/**
 * Runs one second-factor check against a pending sign-in, then continues it. Every method
 * (app code, recovery code, SMS code, security key) goes through here: one audit trail,
 * one "remember this device", one session-limit check. `verify` throws when the proof fails.
 */
export async function passSecondFactor(
  ctx: ServiceContext,
  pendingToken: string,
  method: TSecondFactorMethod,
  rememberDevice: boolean,
  verify: (userId: number, pending: TPendingSignIn) => void | Promise<void>,
): Promise<TSignInResult> {
  const pending = await findPendingSignIn(ctx, pendingToken);
  if (!pending) throw new AppError('UNAUTHENTICATED', EXPIRED);
  let device: { token: string; expiresAt: Date } | undefined;
  if (!pending.secondFactorDone) {
    try {
      await verify(pending.userId, pending);
    } catch (err) {
      await recordAudit(ctx.db, ctx.clock.now(), { kind: 'two_factor_failed', userId: pending.userId, ip: pending.meta.ip, detail: { method } });
      throw err;
    }
    if (method === 'recovery') await recordAudit(ctx.db, ctx.clock.now(), { kind: 'recovery_code_used', userId: pending.userId, ip: pending.meta.ip });
    await markSecondFactorDone(ctx, pendingToken);
    if (rememberDevice) device = await trustDevice(ctx, pending.userId, `${pending.meta.browser} on ${pending.meta.deviceClass}`, pending.meta.ip);
  }
  const result = await afterAllFactors(ctx, pending.userId, pending.meta, pendingToken, true);
  return device ? { ...result, device } : result;
}

/** Second half of "Too many active sessions": end the chosen session, then sign in. */
export async function continueAfterSessionLimit(ctx: ServiceContext, input: unknown): Promise<TSignInResult> {
  const { pendingToken, sessionRef } = ZContinueAfterLimitInput.parse(input);
  const pending = await findPendingSignIn(ctx, pendingToken);
  if (!pending || !pending.secondFactorDone) throw new AppError('UNAUTHENTICATED', EXPIRED);
  const existing = await sessionsInBucket(ctx, pending.userId, pending.meta.deviceClass);
  const target = existing.find((s) => summarizeSession(s).ref === sessionRef);
  if (target) await endSession(ctx, target.id, 'ended_elsewhere');
  return afterAllFactors(ctx, pending.userId, pending.meta, pendingToken, await hasSecondFactor(ctx, pending.userId));
}

/** After sign-in with several accounts (seed 000: "multiple matching accounts"), pick one. */
export async function chooseAccount(ctx: ServiceContext, session: { id: string; userId: number }, input: unknown): Promise<TAccountChoice> {
  const want = ZChooseAccountInput.parse(input);
  const match = (await accountsForSession(ctx, session.id, session.userId)).find((a) => a.kind === want.kind && a.id === want.id);
  if (!match) throw new AppError('NOT_FOUND', 'That account is not available to you.');
  await setSessionAccount(ctx, session.id, match);
  return match;
}

/** Sets a password directly; used by the seed and by the invitation and reset flows. */
export async function setUserPassword(ctx: ServiceContext, userId: number, password: string): Promise<void> {
  // The seed's passwords are known demo values, not user choices: no policy applies here.
  const passwordHash = await hashPassword(password);
  (await ctx.db.update(users).set({ passwordHash, failedAttempts: 0, lockedAt: null }).where(eq(users.id, userId)));
}
