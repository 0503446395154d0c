import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { webauthnChallenges } from '../../../db/schema/sign-in-state';
import type { ServiceContext } from '../../core/context';
import { constantTimeEqual, hashToken } from '../tokens';

/** What a challenge was issued for; one kind of ceremony cannot answer another's challenge. */
export type TChallengePurpose = 'register' | 'second-factor' | 'passkey';

export const CHALLENGE_TTL_MS = 5 * 60_000;

/*
 * WebAuthn challenges: random, single-use, expiring after 5 minutes, kept in the database
 * under the SHA-256 of the challenge, so a ceremony begun on one node can end on another.
 * The challenge itself is never stored.
 */

/**
 * A new challenge (32 random bytes), returned as the bytes to put in the options. `bind` is
 * the session id (register), the pending sign-in's token hash (second factor), or '' (passkey
 * sign-in); a bound challenge replaces the one issued before for the same purpose and binding.
 */
export async function issueChallenge(ctx: ServiceContext, purpose: TChallengePurpose, bind: string, userHandle?: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(randomBytes(32));
  const challengeHash = hashToken(Buffer.from(bytes).toString('base64url'));
  const expiresAt = new Date(ctx.clock.now().getTime() + CHALLENGE_TTL_MS);
  const handle = userHandle ?? null;
  const insert = ctx.db.insert(webauthnChallenges).values({ challengeHash, purpose, bind, bindKey: bind ? `${purpose}:${bind}` : null, userHandle: handle, expiresAt });
  (await (bind ? insert.onConflictDoUpdate({ target: webauthnChallenges.bindKey, set: { challengeHash, userHandle: handle, expiresAt } }) : insert));
  return bytes;
}

/**
 * Takes the challenge (base64url, as the browser's clientDataJSON carries it) out of the
 * store, whatever happens next, and says whether it was live and issued for this purpose
 * and binding. Returns the issued entry, or null. One statement: two nodes cannot both take it.
 */
export async function consumeChallenge(ctx: ServiceContext, challenge: string, purpose: TChallengePurpose, bind: string): Promise<{ userHandle?: string } | null> {
  const issued = (await ctx.db.delete(webauthnChallenges).where(eq(webauthnChallenges.challengeHash, hashToken(challenge))).returning())[0];
  if (!issued) return null;
  const bound = constantTimeEqual(issued.bind, bind);
  if (issued.purpose !== purpose || !bound || issued.expiresAt <= ctx.clock.now()) return null;
  return issued.userHandle ? { userHandle: issued.userHandle } : {};
}
