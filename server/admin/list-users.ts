import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';
import { sessions } from '../../db/schema/sessions';
import { totpCredentials } from '../../db/schema/two-factor';
import type { ServiceContext } from '../core/context';
import { containsText } from '../core/contains-text';
import { requireStaffAdmin } from '../core/permissions';
import { isActiveSession, isProviderSession, isProviderUser } from './provider-users';
import { ZListUsersInput } from './schemas';

/** A page lists at most this many people; the search box narrows larger providers. */
export const MAX_USERS = 200;

/** The search text matches itself only: `%`, `_` and the escape character are taken literally. */

/**
 * The Users page: every login identity holding an account with the admin's provider (its
 * staff, contacts of its companies), with lock state, two-factor and active sessions.
 */
export async function listUsers(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const { search } = ZListUsersInput.parse(input ?? {});
  const pid = admin.providerId;
  const rows = (await ctx.db
    .select()
    .from(users)
    .where(
      and(
        isProviderUser(ctx.db, pid),
        containsText(search, users.name, users.email),
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(MAX_USERS + 1));
  const page = rows.slice(0, MAX_USERS);
  const ids = page.map((u) => u.id);
  if (ids.length === 0) return { items: [], truncated: false };

  const accounts = new Map<number, string[]>();
  const addAccount = (userId: number, label: string) => accounts.set(userId, [...(accounts.get(userId) ?? []), label]);
  for (const s of (await ctx.db
    .select()
    .from(staffMembers)
    .where(and(eq(staffMembers.providerId, pid), inArray(staffMembers.userId, ids))))) {
    addAccount(s.userId, `Staff · ${s.role === 'admin' ? 'Administrator' : 'Technician'}${s.active ? '' : ' (inactive)'}`);
  }
  for (const c of (await ctx.db
    .select({ userId: contacts.userId, company: companies.name, portalAccess: contacts.portalAccess })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(companies.providerId, pid), inArray(contacts.userId, ids)))
    .orderBy(asc(companies.name)))) {
    addAccount(c.userId!, `${c.company} · Contact${c.portalAccess ? '' : ' (no portal access)'}`);
  }

  const twoFactor = new Set(
    (await ctx.db
      .select({ userId: totpCredentials.userId })
      .from(totpCredentials)
      .where(and(inArray(totpCredentials.userId, ids), isNotNull(totpCredentials.confirmedAt))))
      .map((r) => r.userId),
  );
  const active = new Map(
    (await ctx.db
      .select({ userId: sessions.userId, n: count() })
      .from(sessions)
      .where(
        and(
          inArray(sessions.userId, ids),
          isActiveSession(ctx.clock.now(), ctx.settings.SESSION_IDLE_MINUTES),
          isProviderSession(ctx.db, pid),
        ),
      )
      .groupBy(sessions.userId))
      .map((r) => [r.userId, r.n]),
  );

  return {
    items: page.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      accounts: accounts.get(u.id) ?? [],
      lockedAt: u.lockedAt,
      failedAttempts: u.failedAttempts,
      twoFactor: twoFactor.has(u.id),
      activeSessions: active.get(u.id) ?? 0,
      you: u.id === admin.userId,
    })),
    truncated: rows.length > MAX_USERS,
  };
}
