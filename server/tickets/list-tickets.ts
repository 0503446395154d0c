import { eq, or, sql, type SQL } from 'drizzle-orm';
import { ENGINE } from '../../db/engine';
import { tickets } from '../../db/schema/tickets';
import type { TContactActor, TStaffActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { ZListTicketsInput, type TListTicketsInput } from './schemas';
import { toFtsQuery } from './search-query';
import { eqNoIndex, runTicketPage, searchCondition, statusCondition, type TTicketPage } from './ticket-page';

/**
 * Tickets a contact raised or watches (the Standard contact's whole view). SQLite answers
 * the OR from two indexes; PostgreSQL cannot use an index for an OR with a subquery, so
 * there the ids come from the requester index and the watch list together.
 */
const raisedOrWatched = (actor: TContactActor) =>
  ENGINE === 'pg'
    ? sql`${tickets.id} in (select r.id from tickets r where r.requester_contact_id = ${actor.contactId} union all select ticket_id from ticket_watchers where contact_id = ${actor.contactId})`
    : or(
        eq(tickets.requesterContactId, actor.contactId),
        sql`${tickets.id} in (select ticket_id from ticket_watchers where contact_id = ${actor.contactId})`,
      );

/**
 * The WHERE of the portal list (exported for the query-plan test). The index that drives
 * the walk: the search hits when searching; else the company's (Technical and Primary),
 * the requester's plus the watch list (Standard), or the provider's (staff).
 */
export function listConditions(actor: TStaffActor | TContactActor, q: ReturnType<typeof ZListTicketsInput.parse>): (SQL | undefined)[] {
  const searching = !!toFtsQuery(q.search);
  const where: (SQL | undefined)[] = [statusCondition(q.status), searchCondition(q.search, actor.kind === 'staff')];
  if (actor.kind === 'staff') return [searching ? eqNoIndex(tickets.providerId, actor.providerId) : eq(tickets.providerId, actor.providerId), ...where];
  const wholeCompany = q.scope === 'company' && contactAreas(actor.types).allCompanyTickets;
  const company = wholeCompany && !searching ? eq(tickets.companyId, actor.companyId) : eqNoIndex(tickets.companyId, actor.companyId);
  return [company, wholeCompany ? undefined : raisedOrWatched(actor), ...where];
}

/**
 * The portal's ticket list, newest update first, keyset-paged. Contacts: `mine` is what
 * they raised or watch, `company` everything they may see (all of the company for
 * Technical and Primary contacts). Staff: every ticket of their provider.
 */
export async function listTickets(ctx: ServiceContext, input: TListTicketsInput = {}): Promise<TTicketPage> {
  const actor = requireSignedIn(ctx.actor);
  const q = ZListTicketsInput.parse(input ?? {});
  return await runTicketPage(ctx.db, listConditions(actor, q), q);
}
