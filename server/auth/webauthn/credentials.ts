import { and, eq } from 'drizzle-orm';
import { recoveryCodes } from '../../../db/schema/two-factor';
import { webauthnCredentials } from '../../../db/schema/webauthn';
import { recordAudit } from '../../audit/record-audit';
import type { TActor } from '../../core/actor';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireRecentAuth } from '../reauthenticate';
import { secondFactorMethods } from '../second-factors';
import { forgetAllTrustedDevices } from '../trusted-devices';
import { isTwoFactorRequired } from '../two-factor-requirement';
import { ZRemoveInput, ZRenameInput } from './schemas';
import { countCredentials, credentialsOf } from './store';

type TSessionRef = { userId: number; reauthenticatedAt: Date | null };

/** The Account page's list: name, kind, added, last used. */
export async function listWebauthnCredentials(ctx: ServiceContext, userId: number) {
  return (await credentialsOf(ctx, userId)).map((c) => ({
    id: c.id,
    name: c.name,
    /** A synced passkey (multi-device) or a key bound to one authenticator. */
    synced: c.deviceType === 'multiDevice',
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  }));
}

/** "Rename": only the label changes, so no password is asked for. */
export async function renameWebauthnCredential(ctx: ServiceContext, userId: number, input: unknown, ip: string): Promise<void> {
  const { id, name } = ZRenameInput.parse(input);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const hit = (await tx
      .update(webauthnCredentials)
      .set({ name })
      .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)))
      .returning({ id: webauthnCredentials.id }))[0]!;
    if (!hit) throw new AppError('NOT_FOUND', 'That passkey or security key is not on your account.');
    await recordAudit(tx, now, { kind: 'passkey_renamed', userId, ip, detail: { credential: id, name } });
  });
}

/**
 * "Remove": needs the password in the last 5 minutes. Refused when it is the last second
 * factor and the organization requires one. When no factor is left, the recovery codes and
 * remembered devices go too, as when the authenticator app is turned off.
 */
export async function removeWebauthnCredential(ctx: ServiceContext, session: TSessionRef, actor: TActor | null, input: unknown, ip: string): Promise<void> {
  const { id } = ZRemoveInput.parse(input);
  requireRecentAuth(ctx, session);
  const userId = session.userId;
  const row = (await ctx.db
    .select()
    .from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId))))[0];
  if (!row) throw new AppError('NOT_FOUND', 'That passkey or security key is not on your account.');
  const otherFactor = await countCredentials(ctx, userId) > 1 || (await secondFactorMethods(ctx, userId)).some((m) => m !== 'webauthn' && m !== 'recovery');
  if (!otherFactor && actor && await isTwoFactorRequired(ctx, actor)) {
    throw new AppError('FORBIDDEN', 'Your organization requires two-factor authentication. Add another passkey, security key or authenticator app before removing this one.');
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    (await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.id, row.id)));
    if (!otherFactor) {
      (await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)));
      await forgetAllTrustedDevices(tx, userId, now);
    }
    await recordAudit(tx, now, { kind: 'passkey_removed', userId, ip, detail: { credential: row.id, name: row.name, lastFactor: !otherFactor } });
  });
}
