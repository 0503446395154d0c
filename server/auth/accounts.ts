import { and, eq, isNull } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { companies, contacts, providers, staffMembers } from '../../db/schema/people';
import type { TActor } from '../core/actor';
import { p, preparedQueries } from '../core/prepared';

export type TAccountChoice =
  | { kind: 'staff'; id: number; providerId: number; label: string; detail: string }
  | { kind: 'contact'; id: number; providerId: number; label: string; detail: string };

/** Every account a login identity may use: active staff memberships and contacts with portal access. */
export async function listAccounts(db: TDb, userId: number): Promise<TAccountChoice[]> {
  const staff = (await db
    .select({ id: staffMembers.id, role: staffMembers.role, providerId: providers.id, providerName: providers.name })
    .from(staffMembers)
    .innerJoin(providers, eq(providers.id, staffMembers.providerId))
    .where(and(eq(staffMembers.userId, userId), eq(staffMembers.active, true))));
  const client = (await db
    .select({ id: contacts.id, companyName: companies.name, providerId: providers.id, providerName: providers.name })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .innerJoin(providers, eq(providers.id, companies.providerId))
    .where(and(eq(contacts.userId, userId), eq(contacts.portalAccess, true), isNull(companies.archivedAt))));
  return [
    ...staff.map((s) => ({
      kind: 'staff' as const,
      id: s.id,
      providerId: s.providerId,
      label: `${s.providerName} staff`,
      detail: s.role === 'admin' ? 'Administrator' : 'Technician',
    })),
    ...client.map((c) => ({
      kind: 'contact' as const,
      id: c.id,
      providerId: c.providerId,
      label: c.companyName,
      detail: `Client portal of ${c.providerName}`,
    })),
  ];
}

/** Builds the actor for a session's chosen account, re-checking that the account is still usable. */
// Every authenticated request and every inbound mail resolves an actor.
const queries = preparedQueries((db) => ({
  staff: db
    .select()
    .from(staffMembers)
    .where(and(eq(staffMembers.id, p('id')), eq(staffMembers.userId, p('userId')), eq(staffMembers.active, true)))
    .prepare('accounts.staff'),
  contact: db
    .select({ contact: contacts, providerId: companies.providerId, archivedAt: companies.archivedAt })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(contacts.id, p('id')), eq(contacts.userId, p('userId'))))
    .prepare('accounts.contact'),
}));

export async function actorForAccount(
  db: TDb,
  user: { id: number; name: string },
  account: { kind: 'staff' | 'contact'; id: number },
): Promise<TActor | null> {
  if (account.kind === 'staff') {
    const s = await queries(db).staff.get({ id: account.id, userId: user.id });
    if (!s) return null;
    return { kind: 'staff', userId: user.id, staffId: s.id, providerId: s.providerId, role: s.role, name: user.name };
  }
  const c = await queries(db).contact.get({ id: account.id, userId: user.id });
  if (!c || !c.contact.portalAccess || c.archivedAt) return null;
  return {
    kind: 'contact',
    userId: user.id,
    contactId: c.contact.id,
    companyId: c.contact.companyId,
    providerId: c.providerId,
    types: c.contact.types,
    name: c.contact.name,
  };
}
