import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../db/schema/tickets';

export const ZCreateTicketInput = z.object({
  subject: z.string().trim().min(1, 'Enter a subject.').max(200, 'Keep the subject under 200 characters.'),
  description: z.string().trim().min(1, 'Describe the problem.').max(50_000),
  priority: z.enum(TICKET_PRIORITIES).default('medium'),
  category: z.string().trim().max(80).optional(),
  /** Staff only: the company and requester the ticket is raised for. */
  companyId: z.number().int().positive().optional(),
  requesterContactId: z.number().int().positive().optional(),
});
export type TCreateTicketInput = z.input<typeof ZCreateTicketInput>;

export const ZAddReplyInput = z.object({
  ticketId: z.number().int().positive(),
  body: z.string().trim().min(1, 'Write a reply.').max(50_000),
  internal: z.boolean().default(false),
});
export type TAddReplyInput = z.input<typeof ZAddReplyInput>;

export const ZListTicketsInput = z.object({
  status: z.enum([...TICKET_STATUSES, 'active', 'all']).default('active'),
  scope: z.enum(['mine', 'company']).default('mine'),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const ZTicketIdInput = z.object({ ticketId: z.number().int().positive() });
