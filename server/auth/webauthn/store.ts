import { asc, count, eq } from 'drizzle-orm';
import { webauthnCredentials, type TWebauthnCredential } from '../../../db/schema/webauthn';
import type { ServiceContext } from '../../core/context';

/** Reads of the credential table the ceremonies and the second-factor registry share. */

export function countCredentials(ctx: ServiceContext, userId: number): number {
  return ctx.db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).get()?.n ?? 0;
}

/** True when the user has at least one passkey or security key. */
export function hasWebauthn(ctx: ServiceContext, userId: number): boolean {
  return countCredentials(ctx, userId) > 0;
}

/** Every credential of a user, oldest first. */
export function credentialsOf(ctx: ServiceContext, userId: number): TWebauthnCredential[] {
  return ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).orderBy(asc(webauthnCredentials.id)).all();
}

export function credentialById(ctx: ServiceContext, credentialId: string): TWebauthnCredential | null {
  return ctx.db.select().from(webauthnCredentials).where(eq(webauthnCredentials.credentialId, credentialId)).get() ?? null;
}
