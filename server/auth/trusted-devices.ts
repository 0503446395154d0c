import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { trustedDevices } from '../../db/schema/trusted-devices';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import type { TTx } from '../core/unit-of-work';
import { generateToken, hashToken } from './tokens';

/** Seed 003: "Remember this device for 30 days". */
export const TRUSTED_DEVICE_DAYS = 30;
export const ZForgetDeviceInput = z.object({ deviceId: z.number().int().positive() });

/** Remembers the browser after a passed second factor; returns the cookie token (never stored). */
export async function trustDevice(ctx: ServiceContext, userId: number, label: string, ip: string): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + TRUSTED_DEVICE_DAYS * 86_400_000);
  await ctx.db.transaction(async (tx) => {
    (await tx.insert(trustedDevices).values({ userId, tokenHash: hashToken(token), label, createdAt: now, lastUsedAt: now, expiresAt }));
    await recordAudit(tx, now, { kind: 'trusted_device_added', userId, ip, detail: { label } });
  });
  return { token, expiresAt };
}

/** True when the cookie token names a live remembered device of this user; records its use. */
export async function isTrustedDevice(ctx: ServiceContext, userId: number, token: string | null | undefined): Promise<boolean> {
  if (!token) return false;
  const now = ctx.clock.now();
  const hit = (await ctx.db
    .update(trustedDevices)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(trustedDevices.tokenHash, hashToken(token)),
        eq(trustedDevices.userId, userId),
        isNull(trustedDevices.revokedAt),
        gt(trustedDevices.expiresAt, now),
      ),
    )
    .returning({ id: trustedDevices.id }))[0]!;
  return !!hit;
}

/** The Account page's list of remembered devices. */
export async function listTrustedDevices(ctx: ServiceContext, userId: number) {
  return (await ctx.db
    .select({ id: trustedDevices.id, label: trustedDevices.label, createdAt: trustedDevices.createdAt, lastUsedAt: trustedDevices.lastUsedAt, expiresAt: trustedDevices.expiresAt })
    .from(trustedDevices)
    .where(and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt), gt(trustedDevices.expiresAt, ctx.clock.now())))
    .orderBy(desc(trustedDevices.lastUsedAt)));
}

/** "Forget": that browser must pass the second factor again. */
export async function forgetTrustedDevice(ctx: ServiceContext, userId: number, input: unknown, ip: string): Promise<void> {
  const { deviceId } = ZForgetDeviceInput.parse(input);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const hit = (await tx
      .update(trustedDevices)
      .set({ revokedAt: now })
      .where(and(eq(trustedDevices.id, deviceId), eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt)))
      .returning({ label: trustedDevices.label }))[0]!;
    if (!hit) throw new AppError('NOT_FOUND', 'That device is not remembered.');
    await recordAudit(tx, now, { kind: 'trusted_device_forgotten', userId, ip, detail: { label: hit.label } });
  });
}

/** Password reset and turning 2FA off forget every device of the user. */
export async function forgetAllTrustedDevices(tx: TTx, userId: number, now: Date): Promise<void> {
  (await tx.update(trustedDevices).set({ revokedAt: now }).where(and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt))));
}
