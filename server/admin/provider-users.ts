import { and, eq, gt, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { companies, contacts, staffMembers, users, type TUser } from '../../db/schema/people';
import { sessions } from '../../db/schema/sessions';
import { AppError } from '../core/app-error';

/*
 * Which login identities and sessions belong to a provider. A person may hold accounts with
 * several providers, so an admin only ever reaches a user through an account with theirs.
 */

export const staffUserIds = (db: TDb, providerId: number) =>
  db.select({ id: staffMembers.userId }).from(staffMembers).where(eq(staffMembers.providerId, providerId));

export const contactUserIds = (db: TDb, providerId: number) =>
  db
    .select({ id: sql<number>`${contacts.userId}` })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(companies.providerId, providerId), isNotNull(contacts.userId)));

/** The user holds an account with the provider: staff, or a contact of one of its companies. */
export const isProviderUser = (db: TDb, providerId: number) =>
  or(inArray(users.id, staffUserIds(db, providerId)), inArray(users.id, contactUserIds(db, providerId)))!;

/** The user, if they hold an account with the provider; NOT_FOUND otherwise, so ids of others reveal nothing. */
export async function requireProviderUser(db: TDb, providerId: number, userId: number): Promise<TUser> {
  const user = (await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isProviderUser(db, providerId))))[0];
  if (!user) throw new AppError('NOT_FOUND', 'User not found.');
  return user;
}

/**
 * Sessions that reach the provider: signed in to one of its staff or contact accounts, or
 * not yet on any account (that person could still choose one of ours).
 */
export const isProviderSession = (db: TDb, providerId: number) =>
  or(
    isNull(sessions.accountKind),
    and(
      eq(sessions.accountKind, 'staff'),
      inArray(sessions.accountId, db.select({ id: staffMembers.id }).from(staffMembers).where(eq(staffMembers.providerId, providerId))),
    ),
    and(
      eq(sessions.accountKind, 'contact'),
      inArray(
        sessions.accountId,
        db
          .select({ id: contacts.id })
          .from(contacts)
          .innerJoin(companies, eq(companies.id, contacts.companyId))
          .where(eq(companies.providerId, providerId)),
      ),
    ),
  )!;

/** Active as listActiveSessions counts it: within the absolute lifetime and not idle too long. */
export const isActiveSession = (now: Date, idleMinutes: number) =>
  and(gt(sessions.absoluteExpiresAt, now), gt(sessions.lastActiveAt, new Date(now.getTime() - idleMinutes * 60_000)))!;
