import { and, eq, gt } from 'drizzle-orm';
import { pendingSignIns } from '../../db/schema/sign-in-state';
import type { ServiceContext } from '../core/context';
import { generateToken, hashToken } from './tokens';
import type { TSessionMeta } from './session';

/*
 * A password (or identity provider) that was accepted but whose sign-in still waits on a step
 * (the second factor, or ending a session over the limit). Kept 5 minutes in the database
 * under the hash of a token the browser holds, so any node can finish it.
 */

export interface TPendingSignIn {
  userId: number;
  /** What the session will record; the remembered-device cookie is not kept (it was read at the first step). */
  meta: TSessionMeta;
  /** Whether the second factor has been passed (or is not needed). */
  secondFactorDone: boolean;
}

export const PENDING_SIGN_IN_TTL_MS = 5 * 60_000;

/** Starts a pending sign-in; returns the token for the browser. */
export async function createPendingSignIn(ctx: ServiceContext, userId: number, meta: TSessionMeta, secondFactorDone: boolean): Promise<string> {
  const token = generateToken();
  const { deviceClass, browser, ip, sso } = meta;
  (await ctx.db.insert(pendingSignIns).values({
    tokenHash: hashToken(token),
    userId,
    meta: { deviceClass, browser, ip, ...(sso ? { sso } : {}) },
    secondFactorDone,
    expiresAt: new Date(ctx.clock.now().getTime() + PENDING_SIGN_IN_TTL_MS),
  }));
  return token;
}

/** The live pending sign-in of this token, or null (unknown, finished or expired). */
export async function findPendingSignIn(ctx: ServiceContext, token: string): Promise<TPendingSignIn | null> {
  const row = (await ctx.db
    .select({ userId: pendingSignIns.userId, meta: pendingSignIns.meta, secondFactorDone: pendingSignIns.secondFactorDone })
    .from(pendingSignIns)
    .where(and(eq(pendingSignIns.tokenHash, hashToken(token)), gt(pendingSignIns.expiresAt, ctx.clock.now()))))[0];
  return row ?? null;
}

/** Records that the second factor was passed. */
export async function markSecondFactorDone(ctx: ServiceContext, token: string): Promise<void> {
  (await ctx.db.update(pendingSignIns).set({ secondFactorDone: true }).where(eq(pendingSignIns.tokenHash, hashToken(token))));
}

/**
 * Ends the pending sign-in as its session opens. False when it was already gone: another
 * request (on any node) finished it first, so one pending sign-in opens one session.
 */
export async function takePendingSignIn(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await ctx.db.delete(pendingSignIns).where(eq(pendingSignIns.tokenHash, hashToken(token))).returning({ userId: pendingSignIns.userId })).length > 0;
}
