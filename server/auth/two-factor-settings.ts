import { eq } from 'drizzle-orm';
import { recoveryCodes, totpCredentials } from '../../db/schema/two-factor';
import { recordAudit } from '../audit/record-audit';
import type { TActor } from '../core/actor';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireRecentAuth } from './reauthenticate';
import { hasSecondFactor } from './second-factors';
import { hasTotp, regenerateRecoveryCodes } from './totp';
import { forgetAllTrustedDevices } from './trusted-devices';
import { isTwoFactorRequired } from './two-factor-requirement';
import { hasWebauthn } from './webauthn/store';

type TSessionRef = { userId: number; reauthenticatedAt: Date | null };

/**
 * "Turn off two-factor authentication": needs the password in the last 5 minutes, and is
 * refused where the provider or company requires 2FA. Remembered devices are forgotten.
 * With a passkey or security key still on the account, only the authenticator app goes.
 */
export async function disableTwoFactor(ctx: ServiceContext, session: TSessionRef, actor: TActor | null, ip: string): Promise<void> {
  requireRecentAuth(ctx, session);
  if (!await hasTotp(ctx, session.userId)) throw new AppError('CONFLICT', 'Two-factor authentication is already off.');
  // A passkey or security key left on the account keeps two-factor on, with its recovery codes.
  const keyRemains = await hasWebauthn(ctx, session.userId);
  if (!keyRemains && actor && await isTwoFactorRequired(ctx, actor)) {
    throw new AppError('FORBIDDEN', 'Your organization requires two-factor authentication, so it cannot be turned off.');
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    if (!keyRemains) (await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, session.userId)));
    (await tx.delete(totpCredentials).where(eq(totpCredentials.userId, session.userId)));
    if (!keyRemains) await forgetAllTrustedDevices(tx, session.userId, now);
    await recordAudit(tx, now, { kind: 'two_factor_disabled', userId: session.userId, ip });
  });
}

/** "Generate new recovery codes": the old ones stop working; needs a recent password. */
export async function newRecoveryCodes(ctx: ServiceContext, session: TSessionRef, ip: string): Promise<string[]> {
  requireRecentAuth(ctx, session);
  if (!await hasSecondFactor(ctx, session.userId)) throw new AppError('CONFLICT', 'Turn on two-factor authentication first.');
  const codes = await regenerateRecoveryCodes(ctx, session.userId);
  await recordAudit(ctx.db, ctx.clock.now(), { kind: 'recovery_codes_regenerated', userId: session.userId, ip });
  return codes;
}
