import type { ServiceContext } from '../core/context';
import { areasFor, requireSignedIn } from '../core/permissions';
import { financeSummary } from '../finance/summary';
import { companyFinanceTopic, staffFinanceTopic } from '../finance/topics';
import { technicalSummary } from '../technical/summary';
import { companyTechnicalTopic, staffTechnicalTopic } from '../technical/topics';
import { listTickets } from '../tickets/list-tickets';
import { companyTicketsTopic, staffFeedTopic } from '../tickets/topics';

/**
 * The Home page (seed 004 §4): open tickets for everyone; Account Balance and Recurring
 * Monthly for Billing; expiring domains, certificates and warranties for Technical; the
 * contact's assigned assets. Each card comes from its area's own service, so the area's
 * permission rules decide what is in it.
 */
export async function dashboardFor(ctx: ServiceContext) {
  const actor = requireSignedIn(ctx.actor);
  const areas = areasFor(actor);
  const tickets = await listTickets(ctx, { status: 'active', limit: 5, scope: areas.allCompanyTickets && actor.kind === 'contact' ? 'company' : 'mine' });
  const technical = await technicalSummary(ctx);
  return {
    tickets: { items: tickets.items, more: tickets.nextCursor !== null },
    finance: areas.finance ? await financeSummary(ctx) : null,
    assignedAssets: actor.kind === 'contact' ? technical.assignedAssets : null,
    expiring: technical.expiring,
  };
}
export type TDashboard = Awaited<ReturnType<typeof dashboardFor>>;

/** The topics whose events may change a card: the page refetches through the services. */
export function dashboardTopics(ctx: ServiceContext): string[] {
  const actor = requireSignedIn(ctx.actor);
  const areas = areasFor(actor);
  if (actor.kind === 'staff') return [staffFeedTopic(actor.providerId), staffFinanceTopic(actor.providerId), staffTechnicalTopic(actor.providerId)];
  return [
    companyTicketsTopic(actor.companyId),
    ...(areas.finance ? [companyFinanceTopic(actor.companyId)] : []),
    companyTechnicalTopic(actor.companyId),
  ];
}
