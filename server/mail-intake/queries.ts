import { and, eq, sql } from 'drizzle-orm';
import { forUpdate, type TDb, type TTx } from '../../db/client';
import { preparedQueries } from '../core/prepared';
import { inboundMessages, inboundRecipients } from '../../db/schema/inbound-mail';
import { contacts, staffMembers, users } from '../../db/schema/people';
import { tickets } from '../../db/schema/tickets';

/*
 * Intake's per-message queries, prepared once per database: building and preparing a
 * drizzle query costs more than running it, and every accepted message runs each of these.
 */

const p = (name: string) => sql.placeholder(name);

function build(db: TDb | TTx) {
  return {
    insertInbound: db
      .insert(inboundMessages)
      .values({
        messageId: p('messageId'),
        contentHash: p('contentHash'),
        rawPath: p('rawPath'),
        rawOffset: p('rawOffset'),
        size: p('size'),
        envelopeFrom: p('envelopeFrom'),
        envelopeTo: p('envelopeTo'),
        clientIp: p('clientIp'),
        clientHelo: p('clientHelo'),
        receivedAt: p('receivedAt'),
      })
      .returning()
      .prepare('queries.insertInbound'),
    /** The recipients a message (its Message-ID, or its bytes when it has none) has reached. */
    reachedRecipients: db.select({ recipient: inboundRecipients.recipient }).from(inboundRecipients).where(eq(inboundRecipients.messageKey, p('messageKey'))).prepare('queries.reachedRecipients'),
    insertRecipient: db
      .insert(inboundRecipients)
      .values({ messageKey: p('messageKey'), recipient: p('recipient'), inboundMessageId: p('inboundMessageId') })
      .onConflictDoNothing()
      .prepare('queries.insertRecipient'),
    inboundById: db.select().from(inboundMessages).where(eq(inboundMessages.id, p('id'))).prepare('queries.inboundById'),
    inboundStatus: db.select({ status: inboundMessages.status }).from(inboundMessages).where(eq(inboundMessages.id, p('id'))).prepare('queries.inboundStatus'),
    /** Locked until commit (PostgreSQL): a node processing the same message waits, then sees it done. */
    inboundStatusLocked: forUpdate(db.select({ status: inboundMessages.status }).from(inboundMessages).where(eq(inboundMessages.id, p('id')))).prepare('queries.inboundStatusLocked'),
    finishInbound: db
      .update(inboundMessages)
      .set({
        status: p('status') as never,
        providerId: p('providerId') as never,
        ticketId: p('ticketId') as never,
        commentId: p('commentId') as never,
        matchedBy: p('matchedBy') as never,
        flags: p('flags') as never,
        error: p('error') as never,
        senderAuth: p('senderAuth') as never,
        fromAddress: p('fromAddress') as never,
        fromName: p('fromName') as never,
        subject: p('subject') as never,
        processedAt: p('processedAt') as never,
      })
      .where(eq(inboundMessages.id, p('id')))
      .prepare('queries.finishInbound'),
    setSenderAuth: db
      .update(inboundMessages)
      .set({ senderAuth: p('senderAuth') as never })
      .where(eq(inboundMessages.id, p('id')))
      .prepare('queries.setSenderAuth'),
    ticketById: db.select().from(tickets).where(eq(tickets.id, p('id'))).prepare('queries.ticketById'),
    userByEmail: db.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, p('email'))).prepare('queries.userByEmail'),
    activeStaffId: db
      .select({ id: staffMembers.id })
      .from(staffMembers)
      .where(and(eq(staffMembers.userId, p('userId')), eq(staffMembers.providerId, p('providerId')), eq(staffMembers.active, true)))
      .prepare('queries.activeStaffId'),
    contactId: db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.userId, p('userId')), eq(contacts.companyId, p('companyId'))))
      .prepare('queries.contactId'),
  };
}

/** The queries, prepared per connection (fetch them through the transaction inside one). */
export const intakeQueries = preparedQueries(build);
