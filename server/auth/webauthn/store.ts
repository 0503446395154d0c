import { asc, count, eq } from 'drizzle-orm';
import { webauthnCredentials, type TWebauthnCredential } from '../../../db/schema/webauthn';
import type { ServiceContext } from '../../core/context';

/** Reads of the credential table the ceremonies and the second-factor registry share. */

export async function countCredentials(ctx: ServiceContext, userId: number): Promise<number> {
  return (await ctx.db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)))[0]?.n ?? 0;
}

/** True when the user has at least one passkey or security key. */
export async function hasWebauthn(ctx: ServiceContext, userId: number): Promise<boolean> {
  return await countCredentials(ctx, userId) > 0;
}

/** Every credential of a user, oldest first. */
export async function credentialsOf(ctx: ServiceContext, userId: number): Promise<TWebauthnCredential[]> {
  return (await ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).orderBy(asc(webauthnCredentials.id)));
}

export async function credentialById(ctx: ServiceContext, credentialId: string): Promise<TWebauthnCredential | null> {
  return (await ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.credentialId, credentialId)))[0] ?? null;
}
