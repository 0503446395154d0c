import { eq } from 'drizzle-orm';
import { contacts, staffMembers, users } from '../../db/schema/people';
import { actorForAccount } from '../../server/auth/accounts';
import { withActor, type ServiceContext } from '../../server/core/context';

/** A context acting as a seeded contact or staff member, found by email. */
export async function asDemoUser(base: ServiceContext, email: string): Promise<ServiceContext> {
  const user = (await base.db.select().from(users).where(eq(users.email, email)))[0];
  if (!user) throw new Error(`no demo user ${email}`);
  const staff = (await base.db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)))[0];
  const contact = (await base.db.select().from(contacts).where(eq(contacts.userId, user.id)))[0];
  const account = staff ? { kind: 'staff' as const, id: staff.id } : { kind: 'contact' as const, id: contact!.id };
  return withActor(base, (await actorForAccount(base.db, user, account))!);
}
