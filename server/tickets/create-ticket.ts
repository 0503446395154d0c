import { and, eq, sql } from 'drizzle-orm';
import { companies, contacts, providers } from '../../db/schema/people';
import { tickets, type TTicket } from '../../db/schema/tickets';
import { claimAttachments } from '../attachments/claim-attachments';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { requireActiveCategory } from './categories';
import { ZCreateTicketInput, type TCreateTicketInput } from './schemas';
import { slaDueTimes } from './sla';
import { emitTicketEvent, loadTicketSummary } from './ticket-summary';
import { companyTicketsTopic, staffFeedTopic } from './topics';

/** Staff raise a ticket for a company of their provider, optionally for one of its contacts. */
async function staffTarget(tx: TTx, providerId: number, companyId: number | undefined, requesterContactId: number | undefined) {
  if (!companyId) throw new AppError('BAD_INPUT', 'Choose the company this ticket is for.', { field: 'companyId' });
  const company = (await tx.select().from(companies).where(eq(companies.id, companyId)))[0];
  if (!company || company.providerId !== providerId) throw new AppError('NOT_FOUND', 'Company not found.');
  if (requesterContactId) {
    const c = (await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, requesterContactId), eq(contacts.companyId, company.id))))[0];
    if (!c) throw new AppError('BAD_INPUT', 'That contact is not in this company.', { field: 'requesterContactId' });
  }
  return { companyId: company.id, requesterContactId: requesterContactId ?? null };
}

/**
 * Raises a ticket with its number, SLA due times and attachments. Contacts raise for
 * themselves; staff for a company (source "staff"); mail intake passes source "email".
 * The web, mail intake and seed all call this.
 */
export async function createTicket(
  ctx: ServiceContext,
  input: TCreateTicketInput,
  source: 'portal' | 'email' | 'staff' = 'portal',
  /** A reply by email to a long-closed ticket opens a new one linked to it. */
  link?: { relatedTicketId: number },
): Promise<TTicket> {
  const actor = requireSignedIn(ctx.actor);
  const data = ZCreateTicketInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const target =
      actor.kind === 'contact'
        ? { companyId: actor.companyId, requesterContactId: actor.contactId }
        : await staffTarget(tx, actor.providerId, data.companyId, data.requesterContactId);
    const category = data.category ? await requireActiveCategory(tx, actor.providerId, data.category) : null;
    const { number } = (await tx
      .update(providers)
      .set({ nextTicketNumber: sql`${providers.nextTicketNumber} + 1` })
      .where(eq(providers.id, actor.providerId))
      .returning({ number: sql<number>`${providers.nextTicketNumber} - 1` }))[0]!;
    const now = ctx.clock.now();
    const ticket = (await tx
      .insert(tickets)
      .values({
        providerId: actor.providerId,
        number,
        ...target,
        subject: data.subject,
        description: data.description,
        priority: data.priority,
        category,
        source: source === 'email' ? 'email' : actor.kind === 'staff' ? 'staff' : 'portal',
        createdAt: now,
        updatedAt: now,
        ...await slaDueTimes(tx, actor.providerId, data.priority, now),
        relatedTicketId: link?.relatedTicketId ?? null,
      })
      .returning())[0]!;
    await claimAttachments(tx, data.attachmentIds, { uploaderUserId: actor.userId, providerId: actor.providerId }, { ticketId: ticket.id, commentId: null });
    emitTicketEvent(emit, [companyTicketsTopic(ticket.companyId), staffFeedTopic(ticket.providerId)], 'ticket.created', {
      ticket: await loadTicketSummary(tx, ticket.id),
    });
    return ticket;
  });
}
