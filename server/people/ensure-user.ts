import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import type { TTx } from '../core/unit-of-work';

/** Finds the login identity for an email or creates one without a password (set at invitation). */
export function ensureUser(tx: TTx, email: string, name: string, now: Date): number {
  const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (existing) return existing.id;
  return tx.insert(users).values({ email, name, createdAt: now }).returning({ id: users.id }).get().id;
}
