import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema/people';
import { passwordResetTokens } from '../../db/schema/password-resets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { enqueueEmail } from '../outbox/enqueue-email';
import { ZEmail } from '../people/schemas';
import { recordAudit } from '../audit/record-audit';
import { endAllSessions } from './active-sessions';
import { forgetAllTrustedDevices } from './trusted-devices';
import { ZNewPasswordPair } from './new-password';
import { assertAcceptablePassword, describePolicy, policyForUser, storeNewPassword } from './password-policy';
import { hashPassword } from './password';
import { generateToken, hashToken } from './tokens';

const INVALID = 'Invalid or expired link';
export const RESET_REQUESTED = 'If an account exists for that email, a reset link is on its way.';

export const ZRequestResetInput = z.object({ email: ZEmail });
export const ZResetLinkInput = z.object({ token: z.string().regex(/^[a-z2-7]{32}$/, INVALID) });
export const ZResetPasswordInput = z.intersection(ZResetLinkInput, ZNewPasswordPair);

/**
 * "Forgot password?": the same answer whether or not the email is known. Sends a link
 * valid PASSWORD_RESET_MINUTES; a new request kills older links.
 */
export async function requestPasswordReset(ctx: ServiceContext, input: unknown, ip: string): Promise<{ message: string }> {
  const { email } = ZRequestResetInput.parse(input);
  if (!await ctx.rateLimits.resetPerIp.consume(ip, ctx.clock.now())) {
    throw new AppError('RATE_LIMITED', 'Too many requests from your network. Wait a few minutes and try again.');
  }
  // Counted for unknown addresses too (a write to the database takes time), so timing does not tell them apart.
  const allowed = await ctx.rateLimits.resetPerEmail.consume(email, ctx.clock.now());
  const user = (await ctx.db.select().from(users).where(eq(users.email, email)))[0];
  // Over the per-address limit the answer stays the same; only the mail is not sent.
  if (!user || !allowed) return { message: RESET_REQUESTED };
  const token = generateToken();
  const now = ctx.clock.now();
  const minutes = ctx.settings.PASSWORD_RESET_MINUTES;
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt))));
    (await tx.insert(passwordResetTokens)
      .values({ userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + minutes * 60_000), createdAt: now }));
    await recordAudit(tx, now, { kind: 'password_reset_requested', userId: user.id, email, ip });
    const lifetime = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
    await enqueueEmail(tx, emit, now, {
      providerId: null,
      to: user.email,
      from: `${ctx.settings.MAIL_FROM_NAME} <no-reply@${ctx.settings.MAIL_DOMAIN}>`,
      subject: 'Reset your client portal password',
      text:
        `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your client portal password.\n` +
        `Set a new password here; the link works once and expires in ${lifetime}:\n` +
        `${ctx.settings.publicUrl}/reset-password?token=${token}\n\nIf you did not ask for this, ignore this email: your password stays the same.\n`,
    });
  });
  return { message: RESET_REQUESTED };
}

/** The reset page asks first, so a dead link says so before anyone types a password. */
export async function checkResetLink(ctx: ServiceContext, input: unknown): Promise<{ passwordRules: string[] }> {
  const { token } = ZResetLinkInput.parse(input);
  const row = (await ctx.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.tokenHash, hashToken(token))))[0];
  if (!row || row.usedAt || row.expiresAt <= ctx.clock.now()) throw new AppError('BAD_INPUT', INVALID);
  return { passwordRules: describePolicy(await policyForUser(ctx.db, row.userId)) };
}

/**
 * "Set new password": single use; unlocks the account and ends every session of the user
 * (their open tabs are told live). It does not sign in, so two-factor still applies.
 */
export async function resetPassword(ctx: ServiceContext, input: unknown, ip: string): Promise<{ email: string }> {
  const data = ZResetPasswordInput.parse(input);
  const row = (await ctx.db
    .select({ t: passwordResetTokens, u: users })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(eq(passwordResetTokens.tokenHash, hashToken(data.token))))[0];
  if (!row || row.t.usedAt || row.t.expiresAt <= ctx.clock.now()) throw new AppError('BAD_INPUT', INVALID);
  await assertAcceptablePassword(ctx.db, await policyForUser(ctx.db, row.u.id), data.password, row.u);
  const passwordHash = await hashPassword(data.password);
  await unitOfWork(ctx, async (tx) => {
    const used = (await tx
      .update(passwordResetTokens)
      .set({ usedAt: ctx.clock.now() })
      .where(and(eq(passwordResetTokens.id, row.t.id), isNull(passwordResetTokens.usedAt)))
      .returning({ id: passwordResetTokens.id }))[0]!;
    if (!used) throw new AppError('BAD_INPUT', INVALID);
    await storeNewPassword(tx, row.u.id, passwordHash, ctx.clock.now());
    // A reset may follow a compromise: remembered browsers must pass the second factor again.
    await forgetAllTrustedDevices(tx, row.u.id, ctx.clock.now());
    await recordAudit(tx, ctx.clock.now(), { kind: 'password_reset', userId: row.u.id, email: row.u.email, ip });
  });
  await endAllSessions(ctx, row.u.id, 'password_reset');
  return { email: row.u.email };
}
