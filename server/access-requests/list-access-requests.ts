import { and, asc, eq, isNull, max } from 'drizzle-orm';
import { accessRequests } from '../../db/schema/access-requests';
import { events } from '../../db/schema/events';
import { companies } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { accessRequestsTopic } from './topics';
import { accessRequestView } from './view';

/**
 * The staff "Access requests" page: pending requests of the caller's provider, the
 * companies one may be approved into, and the event id to follow live from.
 */
export async function listAccessRequests(ctx: ServiceContext) {
  const staff = requireStaff(ctx.actor);
  // Read first: the page follows events after this id, so a request arriving meanwhile still shows.
  const lastEventId = (await ctx.db.select({ id: max(events.id) }).from(events))[0]?.id ?? 0;
  const items = (await ctx.db
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.providerId, staff.providerId), eq(accessRequests.status, 'pending')))
    .orderBy(asc(accessRequests.id)))
    .map(accessRequestView);
  const companyChoices = (await ctx.db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.providerId, staff.providerId), isNull(companies.archivedAt)))
    .orderBy(asc(companies.name)));
  return { items, companies: companyChoices, lastEventId };
}

/** The live topic a staff member may follow: only their own provider's. */
export function accessRequestsTopicFor(ctx: ServiceContext): string {
  return accessRequestsTopic(requireStaff(ctx.actor).providerId);
}
