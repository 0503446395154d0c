import { lte, or } from 'drizzle-orm';
import { sessions } from '../../db/schema/sessions';
import type { ServiceContext } from '../core/context';
import { endSession } from './end-session';

/**
 * Ends sessions past their idle timeout or absolute lifetime, so their open tabs hear
 * "Your session expired" at once instead of on their next click. Run every half minute.
 */
export async function expireSessions(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now().getTime();
  const idleCutoff = new Date(now - ctx.settings.SESSION_IDLE_MINUTES * 60_000);
  const dead = (await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(or(lte(sessions.lastActiveAt, idleCutoff), lte(sessions.absoluteExpiresAt, new Date(now)))));
  for (const { id } of dead) await endSession(ctx, id, 'expired');
  return dead.length;
}
