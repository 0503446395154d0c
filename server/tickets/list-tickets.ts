import { and, desc, eq, lt, ne, type SQL } from 'drizzle-orm';
import { companies } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { ZListTicketsInput } from './schemas';

/** Tickets the actor may see, newest activity first, keyset-paged by id. */
export function listTickets(ctx: ServiceContext, input: unknown) {
  const actor = requireSignedIn(ctx.actor);
  const q = ZListTicketsInput.parse(input ?? {});
  const where: (SQL | undefined)[] = [eq(tickets.providerId, actor.providerId)];
  if (actor.kind === 'contact') {
    where.push(eq(tickets.companyId, actor.companyId));
    const all = q.scope === 'company' && contactAreas(actor.types).allCompanyTickets;
    if (!all) where.push(eq(tickets.requesterContactId, actor.contactId));
  }
  if (q.status === 'active') where.push(ne(tickets.status, 'closed'));
  else if (q.status !== 'all') where.push(eq(tickets.status, q.status));
  if (q.cursor) where.push(lt(tickets.id, q.cursor));
  const rows = ctx.db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      priority: tickets.priority,
      updatedAt: tickets.updatedAt,
      companyId: tickets.companyId,
      companyName: companies.name,
    })
    .from(tickets)
    .innerJoin(companies, eq(companies.id, tickets.companyId))
    .where(and(...where))
    .orderBy(desc(tickets.id))
    .limit(q.limit + 1)
    .all();
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1]?.id : undefined };
}

