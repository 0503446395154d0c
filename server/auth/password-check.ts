import { eq } from 'drizzle-orm';
import { users, type TUser } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import type { ServiceContext } from '../core/context';
import { getDummyHash, hashPassword, needsRehash, verifyPassword } from './password';

export type TPasswordCheck = { ok: true; user: TUser } | { ok: false; user: TUser | null; locked: boolean };

/**
 * Checks a password for an email, costing one argon2 verify whether or not the account
 * exists. A wrong password counts towards the lockout (LOCKOUT_ATTEMPTS); a right one on a
 * locked account still fails. Rehashes when the parameters changed.
 */
export async function checkPassword(ctx: ServiceContext, email: string, password: string, ip: string, step: string): Promise<TPasswordCheck> {
  const user = ctx.db.select().from(users).where(eq(users.email, email)).get() ?? null;
  const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
  const now = ctx.clock.now();
  if (!user || !user.passwordHash) {
    recordAudit(ctx.db, now, { kind: 'sign_in_failed', email, ip, detail: { step, reason: 'unknown_account' } });
    return { ok: false, user: null, locked: false };
  }
  if (user.lockedAt) {
    recordAudit(ctx.db, now, { kind: 'sign_in_failed', userId: user.id, email, ip, detail: { step, reason: 'locked' } });
    return { ok: false, user, locked: true };
  }
  if (!ok) {
    const failed = user.failedAttempts + 1;
    const lock = failed >= ctx.settings.LOCKOUT_ATTEMPTS;
    ctx.db.transaction((tx) => {
      tx.update(users).set({ failedAttempts: failed, lockedAt: lock ? now : null }).where(eq(users.id, user.id)).run();
      recordAudit(tx, now, { kind: 'sign_in_failed', userId: user.id, email, ip, detail: { step, reason: 'wrong_password', failed } });
      if (lock) recordAudit(tx, now, { kind: 'account_locked', userId: user.id, email, ip, detail: { failed } });
    });
    return { ok: false, user, locked: lock };
  }
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(password) : null;
  ctx.db
    .update(users)
    .set({ failedAttempts: 0, ...(rehash ? { passwordHash: rehash } : {}) })
    .where(eq(users.id, user.id))
    .run();
  return { ok: true, user };
}
