import { and, eq, isNull, sql } from 'drizzle-orm';
import { users, type TUser } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import type { ServiceContext } from '../core/context';
import { getDummyHash, hashPassword, needsRehash, verifyPassword } from './password';

export type TPasswordCheck = { ok: true; user: TUser } | { ok: false; user: TUser | null; locked: boolean };

/**
 * Checks a password for an email, costing one argon2 verify whether or not the account
 * exists. Each attempt on an unlocked account is counted in the database before the hash
 * runs (an atomic increment), so however many arrive at once, no more than LOCKOUT_ATTEMPTS
 * guesses are ever checked against the real hash; the attempt that brings the count to
 * LOCKOUT_ATTEMPTS and proves wrong locks the account (seed 001: unlocked by "Forgot
 * password?" or an administrator). A right password clears the count unless the account
 * was locked meanwhile. Rehashes when the parameters changed. An email with no account (or
 * none with a password) is counted the same way, per typed email in the shared `rate_limits`
 * table, and reported locked from the same attempt on, so the answers cannot tell them apart.
 */
export async function checkPassword(ctx: ServiceContext, email: string, password: string, ip: string, step: string): Promise<TPasswordCheck> {
  const user = (await ctx.db.select().from(users).where(eq(users.email, email)))[0] ?? null;
  const limit = ctx.settings.LOCKOUT_ATTEMPTS;
  const attempt = user?.passwordHash ? await reserveAttempt(ctx, user.id) : null;
  // An email with no password account is counted too, so it locks as an account would (seed 001's message, no enumeration).
  const unknownAttempt = user?.passwordHash ? null : await ctx.rateLimits.passwordPerUnknownEmail.hit(email, ctx.clock.now());
  // Past the budget (or locked, or no account): the dummy hash keeps the answer's timing alike.
  const realHash = attempt !== null && attempt <= limit ? user!.passwordHash : null;
  const ok = await verifyPassword(realHash ?? (await getDummyHash()), password);
  const now = ctx.clock.now();
  if (!user || !user.passwordHash) {
    await recordAudit(ctx.db, now, { kind: 'sign_in_failed', email, ip, detail: { step, reason: 'unknown_account', failed: unknownAttempt } });
    return { ok: false, user: null, locked: unknownAttempt! >= limit };
  }
  if (realHash === null) {
    await recordAudit(ctx.db, now, { kind: 'sign_in_failed', userId: user.id, email, ip, detail: { step, reason: 'locked' } });
    return { ok: false, user, locked: true };
  }
  if (!ok) {
    const lock = attempt! >= limit;
    await ctx.db.transaction(async (tx) => {
      const locked = lock ? (await tx.update(users).set({ lockedAt: now }).where(and(eq(users.id, user.id), isNull(users.lockedAt))).returning({ id: users.id })).length > 0 : false;
      await recordAudit(tx, now, { kind: 'sign_in_failed', userId: user.id, email, ip, detail: { step, reason: 'wrong_password', failed: attempt } });
      if (locked) await recordAudit(tx, now, { kind: 'account_locked', userId: user.id, email, ip, detail: { failed: attempt } });
    });
    return { ok: false, user, locked: lock };
  }
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(password) : null;
  const cleared = (await ctx.db
    .update(users)
    .set({ failedAttempts: 0, ...(rehash ? { passwordHash: rehash } : {}) })
    .where(and(eq(users.id, user.id), isNull(users.lockedAt)))
    .returning({ id: users.id })).length;
  if (!cleared) {
    // Locked while this attempt was being checked: a right password does not unlock.
    await recordAudit(ctx.db, now, { kind: 'sign_in_failed', userId: user.id, email, ip, detail: { step, reason: 'locked' } });
    return { ok: false, user, locked: true };
  }
  return { ok: true, user: { ...user, failedAttempts: 0 } };
}

/** Counts one attempt on an unlocked account; its number, or null when the account is locked. */
async function reserveAttempt(ctx: ServiceContext, userId: number): Promise<number | null> {
  const row = (await ctx.db
    .update(users)
    .set({ failedAttempts: sql`${users.failedAttempts} + 1` })
    .where(and(eq(users.id, userId), isNull(users.lockedAt)))
    .returning({ failed: users.failedAttempts }))[0]!;
  return row?.failed ?? null;
}
