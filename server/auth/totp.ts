import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { users } from '../../db/schema/people';
import { recoveryCodes, totpCredentials } from '../../db/schema/two-factor';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { open, seal } from '../core/secret-box';
import { constantTimeEqual, hashToken } from './tokens';

const loadQrCode = loadOnFirstUse(() => import('qrcode'));

const STEP_SECONDS = 30;
const DIGITS = 6;
const WRONG_CODE = 'That code did not work. Check your authenticator app and try again.';

/** True when the user has a confirmed authenticator app. */
export async function hasTotp(ctx: ServiceContext, userId: number): Promise<boolean> {
  const row = (await ctx.db.select({ c: totpCredentials.confirmedAt }).from(totpCredentials).where(eq(totpCredentials.userId, userId)))[0];
  return !!row?.c;
}

/** Starts setup: a new random key (kept encrypted, unconfirmed), its otpauth URI and a QR code. */
export async function beginTotpSetup(ctx: ServiceContext, userId: number) {
  const user = (await ctx.db.select().from(users).where(eq(users.id, userId)))[0];
  if (!user) throw new AppError('NOT_FOUND', 'Account not found.');
  if (await hasTotp(ctx, userId)) throw new AppError('CONFLICT', 'Two-factor authentication is already on.');
  const key = new Uint8Array(randomBytes(20));
  const encryptedKey = seal(ctx.settings.secretKey, key);
  (await ctx.db
    .insert(totpCredentials)
    .values({ userId, encryptedKey, createdAt: ctx.clock.now() })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: { encryptedKey, lastUsedStep: 0, createdAt: ctx.clock.now() } }));
  const uri = createTOTPKeyURI('Portico', user.email, key, STEP_SECONDS, DIGITS);
  return { key: encodeBase32UpperCaseNoPadding(key), uri, qrDataUrl: await (await loadQrCode()).default.toDataURL(uri, { margin: 1, width: 220 }) };
}

/** Finds the step a code belongs to (one step of drift either way), or null. */
function matchStep(key: Uint8Array, code: string, nowMs: number): number | null {
  const step = Math.floor(nowMs / 1000 / STEP_SECONDS);
  for (const s of [step, step - 1, step + 1]) {
    if (constantTimeEqual(generateHOTP(key, BigInt(s), DIGITS), code)) return s;
  }
  return null;
}

/**
 * Checks a 6-digit code: throttled (5 wrong per 15 minutes), never the same step twice.
 * Records the accepted step so a code seen over someone's shoulder cannot be replayed.
 */
export async function verifyTotp(ctx: ServiceContext, userId: number, code: string, requireConfirmed = true): Promise<void> {
  const nowMs = ctx.clock.now().getTime();
  const row = (await ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)))[0];
  if (!row || (requireConfirmed && !row.confirmedAt)) throw new AppError('BAD_INPUT', WRONG_CODE);
  if (!await ctx.rateLimits.totpPerUser.consume(String(userId), new Date(nowMs))) {
    throw new AppError('RATE_LIMITED', 'Too many wrong codes. Wait 15 minutes, or use a recovery code.');
  }
  const step = /^\d{6}$/.test(code) ? matchStep(open(ctx.settings.secretKey, row.encryptedKey), code, nowMs) : null;
  if (step === null || step <= row.lastUsedStep) throw new AppError('BAD_INPUT', WRONG_CODE);
  // Taken only if no request (on any node) took this step or a later one meanwhile: a code works once.
  const taken = (await ctx.db
    .update(totpCredentials)
    .set({ lastUsedStep: step })
    .where(and(eq(totpCredentials.userId, userId), lt(totpCredentials.lastUsedStep, step)))
    .returning({ userId: totpCredentials.userId }))[0];
  if (!taken) throw new AppError('BAD_INPUT', WRONG_CODE);
  await ctx.rateLimits.totpPerUser.reset(String(userId));
}

/** Confirms setup with a first code and returns ten recovery codes, shown once. */
export async function confirmTotpSetup(ctx: ServiceContext, userId: number, code: string): Promise<string[]> {
  await verifyTotp(ctx, userId, code, false);
  (await ctx.db.update(totpCredentials).set({ confirmedAt: ctx.clock.now() }).where(eq(totpCredentials.userId, userId)));
  await recordAudit(ctx.db, ctx.clock.now(), { kind: 'two_factor_enabled', userId });
  return await regenerateRecoveryCodes(ctx, userId);
}

/** Replaces all recovery codes; only hashes are kept. */
export async function regenerateRecoveryCodes(ctx: ServiceContext, userId: number): Promise<string[]> {
  const codes = Array.from({ length: 10 }, () => {
    const raw = encodeBase32UpperCaseNoPadding(randomBytes(8)).slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    (await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)));
    for (const c of codes) (await tx.insert(recoveryCodes).values({ userId, codeHash: hashToken(c), createdAt: now }));
  });
  return codes;
}

/** Uses one recovery code (case and dashes ignored); each works once. */
export async function useRecoveryCode(ctx: ServiceContext, userId: number, code: string): Promise<void> {
  if (!await ctx.rateLimits.totpPerUser.consume(String(userId), ctx.clock.now())) {
    throw new AppError('RATE_LIMITED', 'Too many wrong codes. Wait 15 minutes and try again.');
  }
  const clean = code.toUpperCase().replace(/[^A-Z2-7]/g, '');
  const normalized = `${clean.slice(0, 5)}-${clean.slice(5)}`;
  const hit = (await ctx.db
    .update(recoveryCodes)
    .set({ usedAt: ctx.clock.now() })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashToken(normalized)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id }))[0]!;
  if (!hit) throw new AppError('BAD_INPUT', 'That recovery code did not work, or it was already used.');
}

export async function remainingRecoveryCodes(ctx: ServiceContext, userId: number): Promise<number> {
  return (await ctx.db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))).length;
}
