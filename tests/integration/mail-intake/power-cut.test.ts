import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../db/client';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { users } from '../../../db/schema/people';
import { ticketComments } from '../../../db/schema/tickets';
import { startPortico, type TPortico } from '../../../server/app';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { loadSettings } from '../../../server/settings';
import { createTicket } from '../../../server/tickets/create-ticket';
import { asDemoUser } from '../../helpers/demo-actors';
import { databaseCut } from '../../helpers/database-cut';
import { spawnPortico, type TPorticoProcess } from '../../helpers/portico-process';
import { testDatabase } from '../../helpers/test-database';

/*
 * A power cut right after a 250: the message's bytes were synced, but the commit of its row
 * had not reached the disk (SQLite with synchronous=NORMAL; a PostgreSQL server with
 * synchronous_commit off). The server runs in its own process, the database is marked
 * before the mail arrives, the process is killed with SIGKILL after the 250s, and all that
 * was committed since is cut off (tests/helpers/database-cut.ts). The next start must still
 * turn both messages into comments.
 */

const dir = mkdtempSync(join(tmpdir(), 'portico-power-'));
const database = await testDatabase(dir);
const env = {
  NODE_ENV: 'test',
  PORT: '0',
  SMTP_PORT: '0',
  SMTP_HOST: '127.0.0.1',
  DATABASE_PATH: join(dir, 'portico.db'),
  ...database.env,
  DATA_DIR: join(dir, 'files'),
  LOG_LEVEL: 'silent',
};
const settings = loadSettings(env, '/nonexistent.env');
const cut = databaseCut(env);
let portico: TPortico | null = null;
let child: TPorticoProcess | null = null;
afterAll(async () => {
  await child?.kill();
  await portico?.stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('power cut after 250', () => {
  it('indexes again, at the next start, the messages whose rows the cut undid', async () => {
    portico = await startPortico(settings);
    const email = 'standard@acme-dental.test';
    const ticket = await createTicket(await asDemoUser(portico.base, email), { subject: 'Scanner offline', description: 'It stopped this morning.' });
    const user = (await portico.base.db.select().from(users).where(eq(users.email, email)))[0]!;
    const token = await portico.base.db.transaction(async (tx) => await issueReplyToken(tx, portico!.base.clock.now(), { ticketId: ticket.id, userId: user.id, email }));
    await portico.stop();
    portico = null;

    child = await spawnPortico(env);
    await cut.mark(child);
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: child.smtpPort, secure: false, ignoreTLS: true });
    const to = replyAddress(token, settings.MAIL_DOMAIN);
    const small = await mailer.sendMail({ from: email, to, subject: 'Re: Scanner offline', messageId: '<cut-1@client.test>', text: 'It works again after a restart.' });
    // Over 1 MB: kept in a file of its own, which the spool's record points at.
    const large = await mailer.sendMail({
      from: email,
      to,
      subject: 'Re: Scanner offline',
      messageId: '<cut-2@client.test>',
      text: 'Here is the scanner log.',
      attachments: [{ filename: 'scanner.log', content: Buffer.alloc(1536 * 1024, 'log line\n') }],
    });
    expect(small.response).toMatch(/^250 /);
    expect(large.response).toMatch(/^250 /);
    mailer.close();
    await child.kill();
    await cut.cut();

    const db = await openDatabase(settings);
    expect((await db.select().from(inboundMessages))).toEqual([]); // the cut undid both rows
    await closeDatabase(db);

    portico = await startPortico(settings);
    await portico.intake.idle();
    const rows = (await portico.base.db.select().from(inboundMessages));
    expect(rows.map((r) => [r.messageId, r.status, r.ticketId]).sort()).toEqual([
      ['cut-1@client.test', 'processed', ticket.id],
      ['cut-2@client.test', 'processed', ticket.id],
    ]);
    // What sender authentication needs survives too: the client's address and HELO.
    expect(rows.map((r) => r.clientIp)).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(rows.every((r) => !!r.clientHelo)).toBe(true);
    const bodies = (await portico.base.db.select().from(ticketComments).where(eq(ticketComments.ticketId, ticket.id))).map((c) => c.body);
    expect(bodies).toEqual(expect.arrayContaining(['It works again after a restart.', 'Here is the scanner log.']));

    // A second start finds nothing more to index.
    await portico.stop();
    portico = await startPortico(settings);
    await portico.intake.idle();
    expect((await portico.base.db.select().from(inboundMessages))).toHaveLength(2);
  });
});
