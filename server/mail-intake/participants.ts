import { and, eq, isNull } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { companies, contacts, providers, users } from '../../db/schema/people';
import { ticketComments, ticketWatchers, type TTicket } from '../../db/schema/tickets';
import { actorForAccount } from '../auth/accounts';
import { intakeQueries } from './queries';
import type { TActor, TContactActor, TStaffActor } from '../core/actor';

/*
 * Who may write into a ticket by mail. Knowing a ticket's number or reply address is not
 * enough (a forwarded notification carries both): the From address must belong to the
 * ticket — its requester, a watcher, someone who wrote in it, or staff of its provider.
 */

export type TSenderActor = TStaffActor | TContactActor;

const userByEmail = async (db: TDb, email: string) => await intakeQueries(db).userByEmail.get({ email });

/** The sender's usable account on this ticket: staff of its provider, else a contact of its company. */
export async function senderActor(db: TDb, ticket: TTicket, email: string): Promise<TSenderActor | null> {
  const user = await userByEmail(db, email);
  if (!user) return null;
  const q = intakeQueries(db);
  const staff = await q.activeStaffId.get({ userId: user.id, providerId: ticket.providerId });
  const contact = staff ? undefined : await q.contactId.get({ userId: user.id, companyId: ticket.companyId });
  const account = staff ? { kind: 'staff' as const, id: staff.id } : contact ? { kind: 'contact' as const, id: contact.id } : null;
  const actor: TActor | null = account && await actorForAccount(db, user, account);
  return actor && (actor.kind === 'staff' || actor.kind === 'contact') ? actor : null;
}

/** Whether `email` belongs to the ticket: requester, watcher, an author of its comments, or active staff of its provider. */
export async function isParticipant(db: TDb, ticket: TTicket, email: string): Promise<boolean> {
  const contactIds = new Set((await db.select({ id: ticketWatchers.contactId }).from(ticketWatchers).where(eq(ticketWatchers.ticketId, ticket.id))).map((w) => w.id));
  if (ticket.requesterContactId) contactIds.add(ticket.requesterContactId);
  for (const id of contactIds) {
    const c = (await db.select({ email: contacts.email }).from(contacts).where(eq(contacts.id, id)))[0];
    if (c?.email === email) return true;
  }
  const user = await userByEmail(db, email);
  if (!user) return false;
  const wrote = (await db
    .select({ id: ticketComments.id })
    .from(ticketComments)
    .where(and(eq(ticketComments.ticketId, ticket.id), eq(ticketComments.authorUserId, user.id)))
    .limit(1))[0];
  if (wrote) return true;
  return !!await intakeQueries(db).activeStaffId.get({ userId: user.id, providerId: ticket.providerId });
}

/** Contacts with portal access whose address this is, in companies that are not archived. */
export async function contactsByEmail(db: TDb, email: string) {
  return (await db
    .select({ contactId: contacts.id, userId: contacts.userId, name: contacts.name, companyId: companies.id, providerId: companies.providerId })
    .from(contacts)
    .innerJoin(users, eq(users.id, contacts.userId))
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(users.email, email), eq(contacts.portalAccess, true), isNull(companies.archivedAt))));
}

/** The one company (not archived) whose email domains include this address's domain, with its provider's setting. */
export async function companyForDomain(db: TDb, email: string): Promise<{ companyId: number; providerId: number; autoCreateContacts: boolean } | null> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const hits = (await db
    .select({ companyId: companies.id, providerId: companies.providerId, domains: companies.emailDomains, archivedAt: companies.archivedAt, auto: providers.autoCreateContacts })
    .from(companies)
    .innerJoin(providers, eq(providers.id, companies.providerId)))
    .filter((c) => !c.archivedAt && c.domains.includes(domain));
  return hits.length === 1 ? { companyId: hits[0]!.companyId, providerId: hits[0]!.providerId, autoCreateContacts: hits[0]!.auto } : null;
}

export const ticketById = async (db: TDb, id: number) => await intakeQueries(db).ticketById.get({ id });
