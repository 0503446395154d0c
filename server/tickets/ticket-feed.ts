import { eq, isNull } from 'drizzle-orm';
import { tickets } from '../../db/schema/tickets';
import type { TStaffActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { ZTicketFeedInput, type TTicketFeedInput } from './schemas';
import { eqNoIndex, runTicketPage, statusCondition, type TListWalks, type TTicketPage } from './ticket-page';

/**
 * The walk of the staff feed (exported for the query-plan test). The index that drives
 * it, most selective first: a search's hits (when few tickets match), the company's, the
 * assignee's, then the provider's (with the status when one is chosen).
 */
export function feedWalks(actor: TStaffActor, q: ReturnType<typeof ZTicketFeedInput.parse>): TListWalks {
  return (searchDriven) => {
    const driver = searchDriven ? 'search' : q.companyId ? 'company' : q.assignee === 'mine' ? 'assignee' : 'provider';
    return [
      [
        driver === 'provider' ? eq(tickets.providerId, actor.providerId) : eqNoIndex(tickets.providerId, actor.providerId),
        q.companyId ? (driver === 'company' ? eq(tickets.companyId, q.companyId) : eqNoIndex(tickets.companyId, q.companyId)) : undefined,
        q.assignee === 'mine'
          ? driver === 'assignee'
            ? eq(tickets.assigneeStaffId, actor.staffId)
            : eqNoIndex(tickets.assigneeStaffId, actor.staffId)
          : q.assignee === 'unassigned'
            ? isNull(tickets.assigneeStaffId)
            : undefined,
        statusCondition(q.status),
        q.priority ? eq(tickets.priority, q.priority) : undefined,
      ],
    ];
  };
}

/** The staff console's feed: every ticket of the provider, filtered, newest update first. */
export async function ticketFeed(ctx: ServiceContext, input: TTicketFeedInput = {}): Promise<TTicketPage> {
  const actor = requireStaff(ctx.actor);
  const q = ZTicketFeedInput.parse(input ?? {});
  return await runTicketPage(ctx.db, feedWalks(actor, q), q, { text: q.search, includeInternal: true });
}
