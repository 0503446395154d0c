import { z } from 'zod';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { endAllSessions } from './active-sessions';
import { ZNewPasswordPair } from './new-password';
import { hashPassword } from './password';
import { checkPassword } from './password-check';
import { assertAcceptablePassword, policyForUser, storeNewPassword } from './password-policy';
import { sessions } from '../../db/schema/sessions';
import { eq } from 'drizzle-orm';

export const ZChangePasswordInput = z.intersection(
  z.object({ currentPassword: z.string().min(1, 'Enter your current password.').max(1024) }),
  ZNewPasswordPair,
);

type TSessionRef = { id: string; userId: number; user: { email: string; name: string } };

/**
 * Account page "Change password": the current password, then a new one that meets the
 * policy and is not a recent one. Other sessions of the user end (their tabs are told).
 */
export async function changePassword(ctx: ServiceContext, session: TSessionRef, input: unknown, ip: string): Promise<{ endedSessions: number }> {
  const data = ZChangePasswordInput.parse(input);
  const start = ctx.clock.now();
  // Counted before the hash, given back when the password is right (failures alone throttle).
  if (!await ctx.rateLimits.passwordPerIp.consume(ip, start)) {
    throw new AppError('RATE_LIMITED', 'Too many attempts from your network. Wait a few minutes and try again.');
  }
  const checked = await checkPassword(ctx, session.user.email, data.currentPassword, ip, 'change_password');
  if (!checked.ok || checked.user.id !== session.userId) {
    throw new AppError('BAD_INPUT', 'Your current password is not right.', { field: 'currentPassword' });
  }
  await ctx.rateLimits.passwordPerIp.refund(ip, start);
  await assertAcceptablePassword(ctx.db, await policyForUser(ctx.db, session.userId), data.password, { id: session.userId, ...session.user });
  const passwordHash = await hashPassword(data.password);
  await unitOfWork(ctx, async (tx) => {
    const now = ctx.clock.now();
    await storeNewPassword(tx, session.userId, passwordHash, now);
    (await tx.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, session.id)));
    await recordAudit(tx, now, { kind: 'password_changed', userId: session.userId, ip });
  });
  return { endedSessions: await endAllSessions(ctx, session.userId, 'password_changed', session.id) };
}
