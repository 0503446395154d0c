import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { requireProviderUser } from './provider-users';
import { ZUserIdInput, type TAdminCallMeta } from './schemas';

/**
 * "Unlock": the administrator's alternative to Forgot Password for a locked account.
 * Clears the lock and the failed-attempt count; the audit entry names the admin.
 */
export async function unlockUser(ctx: ServiceContext, input: unknown, meta: Pick<TAdminCallMeta, 'ip'>): Promise<{ unlocked: boolean }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { userId } = ZUserIdInput.parse(input);
  const user = await requireProviderUser(ctx.db, admin.providerId, userId);
  // Nothing to clear: no audit entry for a change that did not happen.
  if (!user.lockedAt && user.failedAttempts === 0) return { unlocked: false };
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(users).set({ lockedAt: null, failedAttempts: 0 }).where(eq(users.id, user.id)));
    await recordAudit(tx, ctx.clock.now(), {
      kind: 'account_unlocked',
      userId: user.id,
      providerId: admin.providerId,
      actorUserId: admin.userId,
      email: user.email,
      ip: meta.ip,
      detail: { wasLocked: user.lockedAt !== null, failedAttempts: user.failedAttempts },
    });
  });
  return { unlocked: true };
}
