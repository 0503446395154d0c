import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../db/client';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { users } from '../../../db/schema/people';
import { ticketComments } from '../../../db/schema/tickets';
import { startPortico, type TPortico } from '../../../server/app';
import { mailTempDir } from '../../../server/mail-intake/store-inbound';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { createTicket } from '../../../server/tickets/create-ticket';
import { asDemoUser } from '../../helpers/demo-actors';
import { testSettings } from '../../helpers/test-server';

/*
 * A message answered 250 is on disk and in the table before the answer; if the process dies
 * before processing it, the next start processes it. Simulated exactly: the server is
 * stopped, a pending row and its raw file are written as the listener would have left
 * them, and the server starts again on the same files.
 */

const { settings, dir } = await testSettings();
let portico: TPortico | null = null;
afterAll(async () => {
  await portico?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('crash between acceptance and processing', () => {
  it('an accepted, unprocessed message is processed at the next start; an unreadable one is listed as failed; temp files are cleared', async () => {
    portico = await startPortico(settings);
    const email = 'standard@acme-dental.test';
    const ticket = await createTicket(await asDemoUser(portico.base, email), { subject: 'Backup failed', description: 'Job 3 failed last night.' });
    const user = (await portico.base.db.select().from(users).where(eq(users.email, email)))[0]!;
    const token = await portico.base.db.transaction(async (tx) => await issueReplyToken(tx, portico!.base.clock.now(), { ticketId: ticket.id, userId: user.id, email }));
    await portico.stop();
    portico = null;

    const to = replyAddress(token, settings.MAIL_DOMAIN);
    const raw = Buffer.from(
      [`From: Sam Standard <${email}>`, `To: ${to}`, 'Subject: Re: Backup failed', 'Message-ID: <crash-1@client.test>', '', 'It ran fine tonight.', ''].join('\r\n'),
    );
    const sha = createHash('sha256').update(raw).digest('hex');
    const rawPath = join('mail', '2026', '11', `${sha}.eml`);
    mkdirSync(join(settings.DATA_DIR, 'mail', '2026', '11'), { recursive: true });
    writeFileSync(join(settings.DATA_DIR, rawPath), raw);
    mkdirSync(mailTempDir(settings), { recursive: true });
    writeFileSync(join(mailTempDir(settings), 'abc.eml.part'), 'half a mess');
    const db = await openDatabase(settings);
    (await db.insert(inboundMessages)
      .values({ messageId: 'crash-1@client.test', contentHash: sha, rawPath, size: raw.length, envelopeFrom: email, envelopeTo: [to], receivedAt: new Date() }));
    // One accepted into a spool file, after bytes of other messages (and before a torn write).
    const spooled = Buffer.from(
      [`From: Sam Standard <${email}>`, `To: ${to}`, 'Subject: Re: Backup failed', 'Message-ID: <crash-2@client.test>', '', 'And the night after.', ''].join('\r\n'),
    );
    const spoolPath = join('mail', '2026', '11', '20261130T235959-0badcafe.spool');
    writeFileSync(join(settings.DATA_DIR, spoolPath), Buffer.concat([Buffer.from('x'.repeat(100)), spooled, Buffer.from('From: half a mess')]));
    (await db.insert(inboundMessages)
      .values({
        messageId: 'crash-2@client.test',
        contentHash: createHash('sha256').update(spooled).digest('hex'),
        rawPath: spoolPath,
        rawOffset: 100,
        size: spooled.length,
        envelopeFrom: email,
        envelopeTo: [to],
        receivedAt: new Date(),
      }));
    // A row whose file is gone (a disk restored from an older backup): it must not vanish.
    (await db.insert(inboundMessages)
      .values({ messageId: 'lost-1@client.test', contentHash: 'f'.repeat(64), rawPath: join('mail', '2026', '11', 'missing.eml'), size: 10, envelopeFrom: email, envelopeTo: [to], receivedAt: new Date() }));
    await closeDatabase(db);

    portico = await startPortico(settings);
    await portico.intake.idle();
    const row = (await portico.base.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'crash-1@client.test')))[0]!;
    expect(row).toMatchObject({ status: 'processed', matchedBy: 'token', ticketId: ticket.id });
    const comments = (await portico.base.db.select().from(ticketComments).where(eq(ticketComments.ticketId, ticket.id)));
    const row2 = (await portico.base.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'crash-2@client.test')))[0]!;
    expect(row2).toMatchObject({ status: 'processed', matchedBy: 'token', ticketId: ticket.id });
    expect(comments.sort((a, b) => a.inboundMessageId! - b.inboundMessageId!)).toMatchObject([
      { body: 'It ran fine tonight.', inboundMessageId: row.id, internal: false },
      { body: 'And the night after.', inboundMessageId: row2.id, internal: false },
    ]);
    expect((await portico.base.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'lost-1@client.test')))[0]).toMatchObject({
      status: 'failed',
      error: 'The message could not be read.',
    });
    expect(existsSync(join(mailTempDir(settings), 'abc.eml.part'))).toBe(false);
    expect(readdirSync(mailTempDir(settings))).toEqual([]);
  });
});
