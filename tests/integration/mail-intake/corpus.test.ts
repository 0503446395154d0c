import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { ticketComments } from '../../../db/schema/tickets';
import { users } from '../../../db/schema/people';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { createTicket } from '../../../server/tickets/create-ticket';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestServer } from '../../helpers/test-server';

/*
 * Every talon "standard reply" (real messages from eleven mail clients, each a "Hello"
 * above or below the quoted original), sent over SMTP to a ticket's reply address by the
 * person the address was issued to, becomes a public comment that holds "Hello" and
 * nothing of the quote.
 */

const DIR = fileURLToPath(new URL('../../fixtures/mail-corpus/talon-standard-replies/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.eml'));
const CONTACT = 'standard@acme-dental.test';
/** Words of each quoted original that must not reach the comment. */
const QUOTED = ['Hi', 'wrote', 'Original Message', 'From:', 'Subject:', '>', 'manager', 'Sparrow', 'написал', 'Test'];

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.stop());

/** The message as the client wrote it, with the From of the person on the ticket. */
function asContact(raw: string): string {
  return raw.replace(/^From:.*(\r?\n[ \t].*)*$/im, `From: Sam Standard <${CONTACT}>`);
}

describe('the talon corpus of real replies', () => {
  it('has the eleven clients', () => expect(FILES.length).toBeGreaterThanOrEqual(12));

  it.each(FILES)('%s becomes a comment holding only the reply', async (file) => {
    const { base, smtpPort } = srv.portico;
    const asContactCtx = await asDemoUser(base, CONTACT);
    const ticket = await createTicket(asContactCtx, { subject: `Corpus ${file}`, description: 'Testing replies by mail.' });
    const user = (await base.db.select().from(users).where(eq(users.email, CONTACT)))[0]!;
    const token = await base.db.transaction(async (tx) => await issueReplyToken(tx, base.clock.now(), { ticketId: ticket.id, userId: user.id, email: CONTACT }));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: { from: CONTACT, to: replyAddress(token, base.settings.MAIL_DOMAIN) },
      raw: asContact(readFileSync(join(DIR, file), 'utf8')),
    });
    transport.close();
    expect(info.response).toMatch(/^250 /);
    await srv.portico.intake.idle();

    const row = (await base.db.select().from(inboundMessages).where(eq(inboundMessages.ticketId, ticket.id)))[0];
    expect(row, 'the message was processed onto the ticket').toMatchObject({ status: 'processed', matchedBy: 'token' });
    const comments = (await base.db.select().from(ticketComments).where(eq(ticketComments.ticketId, ticket.id)));
    expect(comments).toHaveLength(1);
    const [comment] = comments;
    expect(comment).toMatchObject({ internal: false, source: 'email', inboundMessageId: row!.id, authorSide: 'client' });
    expect(comment!.body).toBe('Hello');
    for (const quoted of QUOTED) expect(comment!.body, `${file}: "${quoted}" is quoted text`).not.toContain(quoted);
  });
});
