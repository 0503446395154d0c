import { z } from 'zod';
import { NOTIFICATION_KINDS } from '../../db/schema/notifications';
import { TICKET_STATUSES } from '../../db/schema/tickets';

export const ZNotificationSettingInput = z.object({
  kind: z.enum(NOTIFICATION_KINDS, { error: 'Choose which email notification to change.' }),
  enabled: z.boolean({ error: 'Say whether this email notification is on or off.' }),
});
export type TNotificationSettingInput = z.input<typeof ZNotificationSettingInput>;

/*
 * The parts of the ticket events (server/tickets/events.ts) the notifier reads. Everything
 * else comes from the database, so a payload cannot make the notifier mail someone.
 */
const id = z.number().int().positive();

export const ZTicketCreatedPayload = z.object({ ticket: z.object({ ticketId: id }) }).transform((p) => p.ticket.ticketId);

export const ZCommentAddedPayload = z.object({
  ticketId: id,
  comment: z.object({ id, internal: z.boolean() }),
});

export const ZTicketChangedPayload = z.object({
  ticketId: id,
  changes: z.object({ status: z.enum(TICKET_STATUSES).optional() }),
  /** `userId` is absent in events written before it was added. */
  by: z.object({ name: z.string(), userId: id.optional() }),
});
