import { eq, sql } from 'drizzle-orm';
import { tickets } from '../../db/schema/tickets';
import type { TContactActor, TStaffActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { ZListTicketsInput, type TListTicketsInput } from './schemas';
import { eqNoIndex, runTicketPage, statusCondition, type TListWalks, type TTicketPage } from './ticket-page';

/**
 * The walks of the portal list (exported for the query-plan test), each on the index that
 * drives it unless a search's hits do: the company's (Technical and Primary contacts), the
 * provider's (staff), or for the tickets a contact raised or watches two walks, the
 * requester's index and the watch list, merged newest first (one walk with OR would read
 * and sort every ticket the contact ever raised).
 */
export function listWalks(actor: TStaffActor | TContactActor, q: ReturnType<typeof ZListTicketsInput.parse>): TListWalks {
  const status = statusCondition(q.status);
  return (searchDriven) => {
    if (actor.kind === 'staff') return [[searchDriven ? eqNoIndex(tickets.providerId, actor.providerId) : eq(tickets.providerId, actor.providerId), status]];
    const wholeCompany = q.scope === 'company' && contactAreas(actor.types).allCompanyTickets;
    if (wholeCompany) return [[searchDriven ? eqNoIndex(tickets.companyId, actor.companyId) : eq(tickets.companyId, actor.companyId), status]];
    const company = eqNoIndex(tickets.companyId, actor.companyId);
    return [
      [searchDriven ? eqNoIndex(tickets.requesterContactId, actor.contactId) : eq(tickets.requesterContactId, actor.contactId), company, status],
      [sql`${tickets.id} in (select ticket_id from ticket_watchers where contact_id = ${actor.contactId})`, company, status],
    ];
  };
}

/**
 * The portal's ticket list, newest update first, keyset-paged. Contacts: `mine` is what
 * they raised or watch, `company` everything they may see (all of the company for
 * Technical and Primary contacts). Staff: every ticket of their provider.
 */
export async function listTickets(ctx: ServiceContext, input: TListTicketsInput = {}): Promise<TTicketPage> {
  const actor = requireSignedIn(ctx.actor);
  const q = ZListTicketsInput.parse(input ?? {});
  return await runTicketPage(ctx.db, listWalks(actor, q), q, { text: q.search, includeInternal: actor.kind === 'staff' });
}
