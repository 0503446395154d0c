import { z } from 'zod';

const id = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);

export const ZInboundIdInput = z.object({ inboundMessageId: id('a message') });

export const ZListInboundInput = z
  .object({
    /** open: unmatched and failed, what staff still have to sort. */
    status: z.enum(['open', 'discarded', 'processed', 'all'], 'Choose open, discarded, processed or all.').default('open'),
    /** Messages older than this id (the last one of the previous page). */
    before: id('a message').optional(),
    limit: z.number('Page size must be a number.').int().min(1).max(100, 'Ask for at most 100 messages.').default(50),
  })
  .default({ status: 'open', limit: 50 });

export const ZAttachInboundInput = z.object({
  inboundMessageId: id('a message'),
  ticketNumber: z.number('Enter a ticket number.').int('Enter a ticket number.').positive('Enter a ticket number.'),
});

export const ZTicketFromInboundInput = z.object({
  inboundMessageId: id('a message'),
  companyId: id('a company'),
  requesterContactId: id('a contact').optional(),
});

export const ZTicketIdInput = z.object({ ticketId: id('a ticket') });
