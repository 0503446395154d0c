import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import type { TTx } from '../core/unit-of-work';

/** Finds the login identity for an email or creates one without a password (set at invitation). */
export async function ensureUser(tx: TTx, email: string, name: string, now: Date): Promise<number> {
  const existing = (await tx.select({ id: users.id }).from(users).where(eq(users.email, email)))[0];
  if (existing) return existing.id;
  return (await tx.insert(users).values({ email, name, createdAt: now }).returning({ id: users.id }))[0]!.id;
}
