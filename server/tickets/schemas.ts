import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../db/schema/tickets';

const ticketId = z.number('Choose a ticket.').int('Choose a ticket.').positive('Choose a ticket.');
const positiveId = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);
const status = z.enum(TICKET_STATUSES, 'Choose a valid status.');
const priority = z.enum(TICKET_PRIORITIES, 'Choose Low, Medium or High.');
const categoryName = z.string('Enter a category name.').trim().min(1, 'Enter a category name.').max(80, 'Keep the category name under 80 characters.');

/** Uploads to claim (see server/attachments); at most 10 per ticket or reply. */
export const ZAttachmentIds = z
  .array(positiveId('an uploaded file'), 'Attachments must be a list of uploaded files.')
  .max(10, 'Attach at most 10 files.')
  .default([]);

/** Free text for full-text search; turned into safe FTS5 syntax by ./search-query.ts. */
export const ZSearch = z.string('Search must be text.').trim().max(200, 'Keep the search under 200 characters.');
/** Opaque keyset cursor from a previous page (./ticket-cursor.ts). */
export const ZCursor = z.string('That page link is not valid.').max(100, 'That page link is not valid.');
const limit = z.number('Page size must be a number.').int().min(1, 'Ask for at least 1 ticket.').max(100, 'Ask for at most 100 tickets.').default(25);

export const ZCreateTicketInput = z.object({
  subject: z.string('Enter a subject.').trim().min(1, 'Enter a subject.').max(200, 'Keep the subject under 200 characters.'),
  description: z.string('Describe the problem.').trim().min(1, 'Describe the problem.').max(50_000, 'Keep the description under 50,000 characters.'),
  priority: priority.default('medium'),
  category: categoryName.optional(),
  /** Staff only: the company and requester the ticket is raised for. */
  companyId: positiveId('a company').optional(),
  requesterContactId: positiveId('a contact').optional(),
  attachmentIds: ZAttachmentIds,
});
export type TCreateTicketInput = z.input<typeof ZCreateTicketInput>;

export const ZAddReplyInput = z.object({
  ticketId,
  body: z.string('Write a reply.').trim().min(1, 'Write a reply.').max(50_000, 'Keep the reply under 50,000 characters.'),
  internal: z.boolean('Internal must be true or false.').default(false),
  attachmentIds: ZAttachmentIds,
});
export type TAddReplyInput = z.input<typeof ZAddReplyInput>;

/** The portal list: contacts see what they may see; staff see the provider's tickets. */
export const ZListTicketsInput = z.object({
  status: z.enum([...TICKET_STATUSES, 'active', 'all'], 'Choose a valid status filter.').default('active'),
  /** mine: raised or watched by the contact; company: everything the contact may see. */
  scope: z.enum(['mine', 'company'], 'Choose mine or company.').default('mine'),
  search: ZSearch.optional(),
  cursor: ZCursor.optional(),
  limit,
});
export type TListTicketsInput = z.input<typeof ZListTicketsInput>;

/** The staff feed, newest update first. */
export const ZTicketFeedInput = z.object({
  assignee: z.enum(['any', 'mine', 'unassigned'], 'Choose any, mine or unassigned.').default('any'),
  status: z.enum([...TICKET_STATUSES, 'active', 'all'], 'Choose a valid status filter.').default('active'),
  priority: priority.optional(),
  companyId: positiveId('a company').optional(),
  search: ZSearch.optional(),
  cursor: ZCursor.optional(),
  limit,
});
export type TTicketFeedInput = z.input<typeof ZTicketFeedInput>;

export const ZTicketIdInput = z.object({ ticketId });

/** Staff changes; only the fields present are changed. */
export const ZUpdateTicketInput = z
  .object({
    ticketId,
    status: status.optional(),
    priority: priority.optional(),
    category: categoryName.nullable().optional(),
    assigneeStaffId: positiveId('a staff member').nullable().optional(),
  })
  .refine((d) => d.status !== undefined || d.priority !== undefined || d.category !== undefined || d.assigneeStaffId !== undefined, {
    message: 'Choose something to change.',
  });
export type TUpdateTicketInput = z.input<typeof ZUpdateTicketInput>;

export const ZRequestReopenInput = z.object({
  ticketId,
  reason: z.string('The reason must be text.').trim().max(2000, 'Keep the reason under 2,000 characters.').optional(),
});

export const ZRateTicketInput = z.object({
  ticketId,
  rating: z.enum(['good', 'bad'], 'Choose good or bad.'),
  comment: z.string('The comment must be text.').trim().max(2000, 'Keep the comment under 2,000 characters.').optional(),
});

export const ZWatcherInput = z.object({ ticketId, contactId: positiveId('a contact') });

export const ZLogTimeInput = z.object({
  ticketId,
  minutes: z
    .number('Enter the minutes spent.')
    .int('Enter whole minutes.')
    .min(1, 'Log at least 1 minute.')
    .max(1440, 'Log at most 1440 minutes (24 hours) at a time.'),
  note: z.string('The note must be text.').trim().max(500, 'Keep the note under 500 characters.').optional(),
});

export const ZPresenceInput = z.object({ ticketId, state: z.enum(['viewing', 'typing', 'left'], 'Choose viewing, typing or left.') });

export const ZCategoriesInput = z.object({ includeInactive: z.boolean('includeInactive must be true or false.').default(false) }).optional();
export const ZAddCategoryInput = z.object({ name: categoryName });
export const ZRenameCategoryInput = z.object({ categoryId: positiveId('a category'), name: categoryName });
export const ZSetCategoryActiveInput = z.object({ categoryId: positiveId('a category'), active: z.boolean('Active must be true or false.') });

const minutes = (what: string) =>
  z
    .number(`Enter the ${what} target in minutes.`)
    .int(`Enter the ${what} target in whole minutes.`)
    .min(1, `The ${what} target must be at least 1 minute.`)
    .max(525_600, `The ${what} target must be at most 365 days.`);
export const ZUpdateSlaInput = z
  .object({ priority, firstResponseMinutes: minutes('first response'), resolutionMinutes: minutes('resolution') })
  .refine((d) => d.resolutionMinutes >= d.firstResponseMinutes, {
    message: 'The resolution target cannot be shorter than the first response target.',
    path: ['resolutionMinutes'],
  });

/** Staff: a reply held as an internal note (unverified sender) to release as the public reply it would have been. */
export const ZReleaseMailNoteInput = z.object({ commentId: positiveId('a held reply') });
export type TReleaseMailNoteInput = z.infer<typeof ZReleaseMailNoteInput>;
