import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Message-IDs of ticket mail carry an HMAC, so a reply's In-Reply-To/References can be
 * trusted to name the ticket it answers (inbound mail) and cannot be forged for another one.
 * Event 0 is the ticket's root id, which every notification references so clients thread.
 */

const sign = (secret: string, ticketId: number, eventId: number) =>
  createHmac('sha256', secret).update(`ticket-${ticketId}.${eventId}`).digest('base64url').slice(0, 22);

export function ticketMessageId(secret: string, domain: string, ticketId: number, eventId: number): string {
  return `<ticket-${ticketId}.${eventId}.${sign(secret, ticketId, eventId)}@${domain}>`;
}

export const ticketRootMessageId = (secret: string, domain: string, ticketId: number) => ticketMessageId(secret, domain, ticketId, 0);

// No leading zeros: each ticket and event has exactly one spelling that verifies.
const SHAPE = /^<?ticket-([1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.([A-Za-z0-9_-]{22})@[^\s<>@]+>?$/;

/** The ticket id a Message-ID we issued names, or null when it is not ours or was altered. */
export function verifyTicketMessageId(secret: string, messageId: string): number | null {
  const m = SHAPE.exec(messageId.trim());
  if (!m) return null;
  const ticketId = Number(m[1]);
  const expected = Buffer.from(sign(secret, ticketId, Number(m[2])));
  const given = Buffer.from(m[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return ticketId;
}
