import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { sessions } from '../../db/schema/sessions';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { checkPassword } from './password-check';

/** Turning 2FA off, new recovery codes and a new email need the password within this window. */
export const REAUTH_WINDOW_MS = 5 * 60_000;

export const ZReauthenticateInput = z.object({ password: z.string().min(1, 'Enter your password.').max(1024) });

type TSessionRef = { id: string; userId: number; user: { email: string }; reauthenticatedAt: Date | null };

/** "Confirm your password": marks this session as freshly authenticated. */
export async function reauthenticate(ctx: ServiceContext, session: TSessionRef, input: unknown, ip: string): Promise<{ until: Date }> {
  const { password } = ZReauthenticateInput.parse(input);
  const start = ctx.clock.now();
  // Counted before the hash, given back when the password is right (failures alone throttle).
  if (!await ctx.rateLimits.passwordPerIp.consume(ip, start)) {
    throw new AppError('RATE_LIMITED', 'Too many attempts from your network. Wait a few minutes and try again.');
  }
  const result = await checkPassword(ctx, session.user.email, password, ip, 'reauthenticate');
  if (!result.ok || result.user.id !== session.userId) {
    throw new AppError('BAD_INPUT', 'That password is not right.', { field: 'password' });
  }
  await ctx.rateLimits.passwordPerIp.refund(ip, start);
  const now = ctx.clock.now();
  (await ctx.db.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, session.id)));
  return { until: new Date(now.getTime() + REAUTH_WINDOW_MS) };
}

/** Refuses, with a marker the page acts on, unless the password was entered in the last 5 minutes. */
export function requireRecentAuth(ctx: ServiceContext, session: { reauthenticatedAt: Date | null }): void {
  const at = session.reauthenticatedAt?.getTime() ?? 0;
  if (ctx.clock.now().getTime() - at > REAUTH_WINDOW_MS) {
    throw new AppError('FORBIDDEN', 'For your security, enter your password again to continue.', { reauth: true });
  }
}
