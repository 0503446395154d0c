import { and, eq, ne } from 'drizzle-orm';
import { sessions } from '../../db/schema/sessions';
import { endSession } from '../auth/end-session';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { isProviderSession, requireProviderUser } from './provider-users';
import { ZUserIdInput, type TAdminCallMeta } from './schemas';

/**
 * "End sessions": ends the user's sessions with this provider, and any not yet on an
 * account; their open tabs are told live. Sessions on another provider's accounts are not
 * this admin's to end, and the admin's own current session is always kept.
 */
export async function endUserSessions(ctx: ServiceContext, input: unknown, meta: TAdminCallMeta): Promise<{ count: number }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { userId } = ZUserIdInput.parse(input);
  const user = await requireProviderUser(ctx.db, admin.providerId, userId);
  const targets = (await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, user.id), ne(sessions.id, meta.sessionId), isProviderSession(ctx.db, admin.providerId))));
  // Each ended session is audited by endSession, naming the admin who ended it.
  for (const { id } of targets) await endSession(ctx, id, 'ended_by_admin', { actorUserId: admin.userId, providerId: admin.providerId, ip: meta.ip });
  return { count: targets.length };
}
