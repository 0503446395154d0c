import { lte } from 'drizzle-orm';
import { pendingSignIns, webauthnChallenges } from '../../db/schema/sign-in-state';
import type { ServiceContext } from '../core/context';

/**
 * Drops expired pending sign-ins and WebAuthn challenges (reads already ignore them). Plain
 * deletes by expiry: every node may run it at the same time.
 */
export async function sweepSignInState(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  const pending = (await ctx.db.delete(pendingSignIns).where(lte(pendingSignIns.expiresAt, now)).returning({ t: pendingSignIns.tokenHash })).length;
  const challenges = (await ctx.db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now)).returning({ c: webauthnChallenges.challengeHash })).length;
  return pending + challenges;
}
