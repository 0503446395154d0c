import { createHash, createHmac, randomInt } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import { forUpdate } from '../../../db/client';
import { providers, users } from '../../../db/schema/people';
import { smsCodes } from '../../../db/schema/sms';
import { recordAudit } from '../../audit/record-audit';
import { secondFactorMethods } from '../second-factors';
import { constantTimeEqual, hashToken } from '../tokens';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { ZSendSmsCodeInput } from './schemas';
import { sendSms, SmsSendError } from './sms-sender';
import { gatewayConfig } from './sms-settings';
import { smsTargetFor } from './sms-target';
import { findPendingSignIn } from '../pending-sign-ins';

/** Seed 003's "Send SMS Code": six digits, valid 5 minutes, at most 3 sent per 15 minutes. */
export const SMS_CODE_MINUTES = 5;
export const SMS_SENDS_PER_WINDOW = 3;
const SEND_WINDOW_MS = 15 * 60_000;
const WRONG_CODE = 'That code did not work. Check the text message and try again.';

/**
 * Six digits are a million values: a plain hash would give them back to anyone holding the
 * database. The HMAC key comes from SECRET_KEY, and the pending sign-in is mixed in.
 */
function codeHash(secretKey: string, pendingHash: string, code: string): string {
  const key = createHash('sha256').update(`portico-sms-code:${secretKey}`).digest();
  return createHmac('sha256', key).update(`${pendingHash}:${code}`).digest('hex');
}

/**
 * Texts a new code to the cell phone of the user of a pending sign-in (the two-factor step's
 * "Send SMS Code"). A new code replaces the one sent before. Returns the number's last digits.
 */
export async function sendSmsCode(ctx: ServiceContext, input: unknown): Promise<{ ending: string; validMinutes: number }> {
  const { pendingToken } = ZSendSmsCodeInput.parse(input);
  const now = ctx.clock.now();
  const pending = await findPendingSignIn(ctx, pendingToken);
  if (!pending || pending.secondFactorDone) throw new AppError('UNAUTHENTICATED', 'This sign-in has expired. Please sign in again.');
  const { userId } = pending;
  const target = (await secondFactorMethods(ctx, userId)).includes('sms') ? await smsTargetFor(ctx, userId) : null;
  if (!target) throw new AppError('FORBIDDEN', 'Codes by text message are not available for your account. Choose another way to verify.');

  const pendingHash = hashToken(pendingToken);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  // Counted and written in one transaction that first locks the user's row (PostgreSQL; SQLite
  // runs one write transaction at a time), so parallel clicks, on any nodes, cannot pass the limit.
  const codeId = await ctx.db.transaction(async (tx) => {
    (await forUpdate(tx.select({ id: users.id }).from(users).where(eq(users.id, userId))));
    const sent = (await tx
      .select({ n: count() })
      .from(smsCodes)
      .where(and(eq(smsCodes.userId, userId), gt(smsCodes.createdAt, new Date(now.getTime() - SEND_WINDOW_MS)))))[0];
    if ((sent?.n ?? 0) >= SMS_SENDS_PER_WINDOW) {
      throw new AppError('RATE_LIMITED', 'You have asked for 3 codes in 15 minutes. Wait a few minutes, or choose another way to verify.');
    }
    // Rows outlive their code only to count sends; a day later they are of no use.
    (await tx.delete(smsCodes).where(and(eq(smsCodes.userId, userId), lt(smsCodes.createdAt, new Date(now.getTime() - 86_400_000)))));
    (await tx.update(smsCodes).set({ usedAt: now }).where(and(eq(smsCodes.userId, userId), isNull(smsCodes.usedAt))));
    return (await tx
      .insert(smsCodes)
      .values({
        userId,
        providerId: target.providerId,
        pendingHash,
        codeHash: codeHash(ctx.settings.secretKey, pendingHash, code),
        expiresAt: new Date(now.getTime() + SMS_CODE_MINUTES * 60_000),
        createdAt: now,
      })
      .returning({ id: smsCodes.id }))[0]!.id;
  });

  const provider = (await ctx.db.select({ name: providers.name }).from(providers).where(eq(providers.id, target.providerId)))[0];
  const audit = { userId, providerId: target.providerId, ip: pending.meta.ip };
  try {
    await sendSms(gatewayConfig(ctx, target.gateway), {
      to: target.to,
      body: `${code} is your ${provider?.name ?? 'client'} portal sign-in code. It expires in ${SMS_CODE_MINUTES} minutes. Do not share it.`,
    });
  } catch (err) {
    (await ctx.db.update(smsCodes).set({ usedAt: ctx.clock.now() }).where(eq(smsCodes.id, codeId)));
    const reason = err instanceof SmsSendError ? err.reason : 'error';
    const message = err instanceof SmsSendError ? err.message : 'The SMS gateway could not be used.';
    await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sms_send_failed', ...audit, detail: { purpose: 'sign_in', ending: target.ending, reason, message } });
    ctx.log.warn({ userId, providerId: target.providerId, reason }, 'sms code not sent');
    throw new AppError('TEMPORARY', 'We could not send the text message. Try again in a moment, or choose another way to verify.');
  }
  await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sms_code_sent', ...audit, detail: { ending: target.ending } });
  return { ending: target.ending, validMinutes: SMS_CODE_MINUTES };
}

/**
 * Checks a texted code for a pending sign-in: the latest one sent for it, unexpired, unused.
 * Wrong codes count against the same per-user limit as authenticator codes. Accepted once.
 */
export async function verifySmsCode(ctx: ServiceContext, userId: number, pendingToken: string, code: string): Promise<void> {
  const now = ctx.clock.now();
  if (!await ctx.rateLimits.totpPerUser.consume(String(userId), now)) {
    throw new AppError('RATE_LIMITED', 'Too many wrong codes. Wait 15 minutes, or use a recovery code.');
  }
  const pendingHash = hashToken(pendingToken);
  const row = (await ctx.db
    .select()
    .from(smsCodes)
    .where(and(eq(smsCodes.userId, userId), eq(smsCodes.pendingHash, pendingHash)))
    .orderBy(desc(smsCodes.id)))[0];
  const clean = code.replace(/\s/g, '');
  if (!row || row.usedAt || !/^\d{6}$/.test(clean) || !constantTimeEqual(codeHash(ctx.settings.secretKey, pendingHash, clean), row.codeHash)) {
    throw new AppError('BAD_INPUT', WRONG_CODE);
  }
  if (row.expiresAt <= now) throw new AppError('BAD_INPUT', 'That code has expired. Use "Send SMS Code" for a new one.');
  // Marked used only if still unused: two requests racing with the same code cannot both pass.
  const taken = (await ctx.db
    .update(smsCodes)
    .set({ usedAt: now })
    .where(and(eq(smsCodes.id, row.id), isNull(smsCodes.usedAt)))
    .returning({ id: smsCodes.id }))[0]!;
  if (!taken) throw new AppError('BAD_INPUT', WRONG_CODE);
  await ctx.rateLimits.totpPerUser.reset(String(userId));
}
