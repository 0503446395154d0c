import { id, index, int, json, primaryKey, table, text, timestamp } from './dialect';
import { providers } from './people';
import { ticketComments, tickets } from './tickets';

/**
 * Sender authentication of one message, as stored: each method's result in RFC 8601 words
 * (pass, fail, none, neutral, softfail, temperror, permerror), the domain it was about and
 * whether that domain is aligned with the header From's (same organisational domain).
 */
export interface TSenderAuth {
  /** checked: by the portal; relay: read from a trusted relay's Authentication-Results; unchecked: no DNS here. */
  source: 'checked' | 'relay' | 'unchecked';
  /** Who checked: the portal's mail domain or the relay's authserv-id. */
  by: string;
  /** The header From's domain (null: no From, or several addresses). */
  fromDomain: string | null;
  spf: { result: string; domain: string | null; aligned: boolean } | null;
  dkim: { result: string; domain: string; aligned: boolean }[];
  dmarc: { result: string; policy: string | null } | null;
  arc: { result: string } | null;
  /** The domain of a pass aligned with the From (DKIM first), if any. */
  alignedDomain: string | null;
  /** One line for staff, e.g. "SPF none (evil.example), DKIM none, DMARC none (acme-dental.test)". */
  summary: string;
  /** Why the checks did not (fully) run: no DNS, a timeout, no header from the relay. */
  error: string | null;
}

export const INBOUND_STATUSES = ['pending', 'processed', 'unmatched', 'discarded', 'failed'] as const;
/**
 * What intake noted of a message, on its row and on the comment it made (server/mail-intake/
 * outcomes.ts names them for staff): automatic mail, a delivery report, a spam filter's mark,
 * a sender not on the ticket or not authenticated, a released note, a refused file, and what
 * the message did (reopened, linked ticket, new contact) or staff did with it.
 */
export const MAIL_FLAGS = [
  'automatic',
  'bounce',
  'spam',
  'sender_mismatch',
  'unverified_sender',
  'released',
  'attachment_refused',
  'contact_created',
  'reopened',
  'related_ticket',
  'attached_by_staff',
  'created_by_staff',
] as const;
export type TMailFlag = (typeof MAIL_FLAGS)[number];
export type TInboundStatus = (typeof INBOUND_STATUSES)[number];

/**
 * Every message the SMTP listener accepted. The row and the raw message under DATA_DIR
 * (`size` bytes of `rawPath`, from `rawOffset` in a spool file) are committed before `250`
 * is answered; processing happens after, and pending rows are processed again at start,
 * so an accepted message is never lost.
 */
export const inboundMessages = table(
  'inbound_messages',
  {
    id: id(),
    /** The Message-ID header, or null; with it, a re-delivered message is recognised (inboundRecipients). */
    messageId: text('message_id'),
    /** SHA-256 of the raw message: the identity of a message without a Message-ID. */
    contentHash: text('content_hash').notNull(),
    rawPath: text('raw_path').notNull(),
    /** Where the message starts in a spool file of several (rawPath); null: the file holds only it. */
    rawOffset: int('raw_offset'),
    size: int('size').notNull(),
    envelopeFrom: text('envelope_from'),
    /** The recipients this row stands for: a re-delivery lists only those the message had not reached yet. */
    envelopeTo: json<string[]>('envelope_to').notNull(),
    /** The connecting client's address and HELO name, kept for SPF (processing may follow a restart). */
    clientIp: text('client_ip'),
    clientHelo: text('client_helo'),
    /** Sender authentication (SPF, DKIM, DMARC, ARC) as intake found it; null before it ran. */
    senderAuth: json<TSenderAuth>('sender_auth'),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    subject: text('subject'),
    status: text('status', { enum: INBOUND_STATUSES }).notNull().default('pending'),
    providerId: int('provider_id').references(() => providers.id),
    ticketId: int('ticket_id').references(() => tickets.id),
    commentId: int('comment_id').references(() => ticketComments.id),
    /** How it was matched: token, message_id, subject, support_address, staff. */
    matchedBy: text('matched_by'),
    /** automatic, bounce, sender_mismatch, ... */
    flags: json<TMailFlag[]>('flags').notNull().default([]),
    error: text('error'),
    receivedAt: timestamp('received_at').notNull(),
    processedAt: timestamp('processed_at'),
  },
  (t) => [index('inbound_messages_message_id').on(t.messageId), index('inbound_messages_content_hash').on(t.contentHash), index('inbound_messages_status').on(t.status, t.id)],
);

/**
 * Which recipients each message has reached: a message is processed once per (message,
 * recipient), so the same message sent to two of our addresses in two deliveries reaches
 * both, and a re-delivery to the same address is stored once. The message is its
 * Message-ID, or the SHA-256 of its bytes when it has none.
 */
export const inboundRecipients = table(
  'inbound_recipients',
  {
    /** `id:<Message-ID>` or `sha:<content hash>`. */
    messageKey: text('message_key').notNull(),
    recipient: text('recipient').notNull(),
    inboundMessageId: int('inbound_message_id')
      .notNull()
      .references(() => inboundMessages.id),
  },
  (t) => [primaryKey({ columns: [t.messageKey, t.recipient] })],
);

/** Addresses that bounced: staff see them flagged; notifications may skip them. */
export const emailBounces = table('email_bounces', {
  email: text('email').primaryKey(),
  count: int('count').notNull().default(1),
  lastBounceAt: timestamp('last_bounce_at').notNull(),
  lastReason: text('last_reason'),
});

export type TInboundMessage = typeof inboundMessages.$inferSelect;
