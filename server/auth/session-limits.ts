import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema/sessions';
import type { ServiceContext } from '../core/context';
import type { TDeviceClass } from './user-agent';

/** Desktop and tablet share one budget, mobile has its own (seed 001: 3 and 1). */
const bucketOf = (d: TDeviceClass) => (d === 'mobile' ? 'mobile' : 'desktop');

/** The user's live sessions in the same bucket as a new sign-in from `deviceClass`. */
export async function sessionsInBucket(ctx: ServiceContext, userId: number, deviceClass: TDeviceClass) {
  const now = ctx.clock.now().getTime();
  const idleMs = ctx.settings.SESSION_IDLE_MINUTES * 60_000;
  return (await ctx.db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, userId)))
    .filter(
      (s) =>
        bucketOf(s.deviceClass) === bucketOf(deviceClass) &&
        s.absoluteExpiresAt.getTime() > now &&
        now - s.lastActiveAt.getTime() < idleMs,
    );
}

export function sessionLimitFor(ctx: ServiceContext, deviceClass: TDeviceClass): number {
  return bucketOf(deviceClass) === 'mobile' ? ctx.settings.SESSION_LIMIT_MOBILE : ctx.settings.SESSION_LIMIT_DESKTOP;
}
