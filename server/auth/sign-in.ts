import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { listAccounts, type TAccountChoice } from './accounts';
import { getDummyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { ZChooseAccountInput, ZContinueAfterLimitInput, ZTwoFactorInput, ZPasswordSignInInput, ZStartSignInInput, type TPasswordSignInInput } from './schemas';
import { summarizeSession, type TSessionSummary } from './active-sessions';
import { endSession } from './end-session';
import { sessionLimitFor, sessionsInBucket } from './session-limits';
import { hasTotp, useRecoveryCode, verifyTotp } from './totp';
import { createUserSession, setSessionAccount, type TSessionMeta } from './session';

const GENERIC_FAILURE = 'That email address and password did not work. Check them and try again, or use "Forgot password?".';

/**
 * Email-first step. Every address, known or not, gets the same answer so the page cannot
 * be used to find accounts; SSO buttons are added by the SSO issue from domain rules.
 */
export function startSignIn(_ctx: ServiceContext, input: unknown): { email: string; password: boolean } {
  const { email } = ZStartSignInInput.parse(input);
  return { email, password: true };
}

export type TSignedIn = { kind: 'signed-in'; token: string; sessionId: string; accounts: TAccountChoice[]; chosen: TAccountChoice | null };
export type TSessionLimitReached = { kind: 'session-limit'; pendingToken: string; sessions: TSessionSummary[] };
export type TTwoFactorNeeded = { kind: 'two-factor'; pendingToken: string; methods: ('totp' | 'recovery')[] };
export type TSignInResult = TSignedIn | TSessionLimitReached | TTwoFactorNeeded;

/** Password step: throttles per IP before hashing, locks after N failures, same cost for unknown emails. */
export async function signInWithPassword(
  ctx: ServiceContext,
  input: TPasswordSignInInput,
  meta: TSessionMeta,
): Promise<TSignInResult> {
  const { email, password } = ZPasswordSignInInput.parse(input);
  const nowMs = ctx.clock.now().getTime();
  if (!ctx.rateLimits.passwordPerIp.consume(meta.ip, nowMs)) {
    throw new AppError('RATE_LIMITED', 'Too many sign-in attempts from your network. Wait a few minutes and try again.');
  }
  const user = ctx.db.select().from(users).where(eq(users.email, email)).get();
  const hash = user?.passwordHash ?? (await getDummyHash());
  const ok = await verifyPassword(hash, password);
  if (!user || !user.passwordHash || user.lockedAt) throw new AppError('UNAUTHENTICATED', GENERIC_FAILURE);
  if (!ok) {
    const failed = user.failedAttempts + 1;
    const lock = failed >= ctx.settings.LOCKOUT_ATTEMPTS;
    ctx.db
      .update(users)
      .set({ failedAttempts: failed, lockedAt: lock ? ctx.clock.now() : null })
      .where(eq(users.id, user.id))
      .run();
    throw new AppError('UNAUTHENTICATED', GENERIC_FAILURE);
  }
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(password) : null;
  ctx.db
    .update(users)
    .set({ failedAttempts: 0, ...(rehash ? { passwordHash: rehash } : {}) })
    .where(eq(users.id, user.id))
    .run();
  if (listAccounts(ctx.db, user.id).length === 0) {
    throw new AppError('FORBIDDEN', 'Your portal access has been turned off. Contact your service provider.');
  }
  if (hasTotp(ctx, user.id)) {
    const pendingToken = ctx.rateLimits.pendingSignIns.create(user.id, meta, nowMs, false);
    return { kind: 'two-factor', pendingToken, methods: ['totp', 'recovery'] };
  }
  return afterAllFactors(ctx, user.id, meta, null, false);
}

/** Session limit check, then the session. `pendingToken` is reused when the limit asks for a choice. */
async function afterAllFactors(
  ctx: ServiceContext,
  userId: number,
  meta: TSessionMeta,
  pendingToken: string | null,
  twoFactorVerified: boolean,
): Promise<TSignInResult> {
  const existing = sessionsInBucket(ctx, userId, meta.deviceClass);
  if (existing.length >= sessionLimitFor(ctx, meta.deviceClass)) {
    // Seed 001 "Too many active sessions": the user ends one to continue, or cancels.
    const token = pendingToken ?? ctx.rateLimits.pendingSignIns.create(userId, meta, ctx.clock.now().getTime(), true);
    return { kind: 'session-limit', pendingToken: token, sessions: existing.map(summarizeSession) };
  }
  if (pendingToken) ctx.rateLimits.pendingSignIns.consume(pendingToken);
  return openSession(ctx, userId, meta, twoFactorVerified);
}

async function openSession(ctx: ServiceContext, userId: number, meta: TSessionMeta, twoFactorVerified: boolean): Promise<TSignedIn> {
  const accounts = listAccounts(ctx.db, userId);
  const chosen = accounts.length === 1 ? (accounts[0] ?? null) : null;
  const { token, sessionId } = await createUserSession(ctx, userId, meta, chosen, twoFactorVerified);
  return { kind: 'signed-in', token, sessionId, accounts, chosen };
}

/** The two-factor step (seed 002): a code from the authenticator app, or a recovery code. */
export async function completeTwoFactor(ctx: ServiceContext, input: unknown): Promise<TSignInResult> {
  const { pendingToken, method, code } = ZTwoFactorInput.parse(input);
  const pending = ctx.rateLimits.pendingSignIns.get(pendingToken, ctx.clock.now().getTime());
  if (!pending) throw new AppError('UNAUTHENTICATED', 'This sign-in has expired. Please sign in again.');
  if (!pending.secondFactorDone) {
    if (method === 'totp') verifyTotp(ctx, pending.userId, code);
    else useRecoveryCode(ctx, pending.userId, code);
    pending.secondFactorDone = true;
  }
  return afterAllFactors(ctx, pending.userId, pending.meta, pendingToken, true);
}

/** Second half of "Too many active sessions": end the chosen session, then sign in. */
export async function continueAfterSessionLimit(ctx: ServiceContext, input: unknown): Promise<TSignInResult> {
  const { pendingToken, sessionRef } = ZContinueAfterLimitInput.parse(input);
  const nowMs = ctx.clock.now().getTime();
  const pending = ctx.rateLimits.pendingSignIns.get(pendingToken, nowMs);
  if (!pending || !pending.secondFactorDone) throw new AppError('UNAUTHENTICATED', 'This sign-in has expired. Please sign in again.');
  const existing = sessionsInBucket(ctx, pending.userId, pending.meta.deviceClass);
  const target = existing.find((s) => summarizeSession(s).ref === sessionRef);
  if (target) endSession(ctx, target.id, 'ended_elsewhere');
  return afterAllFactors(ctx, pending.userId, pending.meta, pendingToken, hasTotp(ctx, pending.userId));
}

/** After sign-in with several accounts (seed 000: "multiple matching accounts"), pick one. */
export function chooseAccount(ctx: ServiceContext, session: { id: string; userId: number }, input: unknown): TAccountChoice {
  const want = ZChooseAccountInput.parse(input);
  const match = listAccounts(ctx.db, session.userId).find((a) => a.kind === want.kind && a.id === want.id);
  if (!match) throw new AppError('NOT_FOUND', 'That account is not available to you.');
  setSessionAccount(ctx, session.id, match);
  return match;
}

/** Sets a password directly; used by the seed and by the invitation and reset flows. */
export async function setUserPassword(ctx: ServiceContext, userId: number, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  ctx.db.update(users).set({ passwordHash, failedAttempts: 0, lockedAt: null }).where(eq(users.id, userId)).run();
}
