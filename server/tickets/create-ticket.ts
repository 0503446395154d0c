import { and, eq, sql } from 'drizzle-orm';
import { companies, contacts, providers } from '../../db/schema/people';
import { tickets, type TTicket } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ZCreateTicketInput, type TCreateTicketInput } from './schemas';
import { companyTicketsTopic, staffFeedTopic } from './topics';

/**
 * Raises a ticket. Contacts raise for themselves; staff raise for a company of their
 * provider (optionally for one of its contacts). The web, mail intake and seed all call this.
 */
export function createTicket(
  ctx: ServiceContext,
  input: TCreateTicketInput,
  source: 'portal' | 'email' | 'staff' = 'portal',
): TTicket {
  const actor = requireSignedIn(ctx.actor);
  const data = ZCreateTicketInput.parse(input);
  return unitOfWork(ctx, (tx, emit) => {
    let companyId: number;
    let requesterContactId: number | null;
    if (actor.kind === 'contact') {
      companyId = actor.companyId;
      requesterContactId = actor.contactId;
    } else {
      if (!data.companyId) throw new AppError('BAD_INPUT', 'Choose the company this ticket is for.', { field: 'companyId' });
      const company = tx.select().from(companies).where(eq(companies.id, data.companyId)).get();
      if (!company || company.providerId !== actor.providerId) throw new AppError('NOT_FOUND', 'Company not found.');
      companyId = company.id;
      requesterContactId = data.requesterContactId ?? null;
      if (requesterContactId) {
        const c = tx
          .select({ id: contacts.id })
          .from(contacts)
          .where(and(eq(contacts.id, requesterContactId), eq(contacts.companyId, companyId)))
          .get();
        if (!c) throw new AppError('BAD_INPUT', 'That contact is not in this company.', { field: 'requesterContactId' });
      }
    }
    const { number } = tx
      .update(providers)
      .set({ nextTicketNumber: sql`${providers.nextTicketNumber} + 1` })
      .where(eq(providers.id, actor.providerId))
      .returning({ number: sql<number>`${providers.nextTicketNumber} - 1` })
      .get()!;
    const now = ctx.clock.now();
    const ticket = tx
      .insert(tickets)
      .values({
        providerId: actor.providerId,
        number,
        companyId,
        requesterContactId,
        subject: data.subject,
        description: data.description,
        priority: data.priority,
        category: data.category ?? null,
        source: actor.kind === 'staff' ? 'staff' : source,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    emit([companyTicketsTopic(companyId), staffFeedTopic(actor.providerId)], 'ticket.created', {
      ticketId: ticket.id,
      number: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority,
      companyId,
      updatedAt: now.getTime(),
    });
    return ticket;
  });
}
