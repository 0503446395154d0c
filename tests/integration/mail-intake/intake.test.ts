import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { attachments } from '../../../db/schema/attachments';
import { emailBounces, inboundMessages } from '../../../db/schema/inbound-mail';
import { outbox } from '../../../db/schema/outbox';
import { providers, users } from '../../../db/schema/people';
import { ticketComments, tickets } from '../../../db/schema/tickets';
import { bounceAddress } from '../../../server/mail-intake/addresses';
import { ticketMessageId } from '../../../server/notifications/message-id';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { closeTicket } from '../../../server/tickets/contact-actions';
import { createTicket } from '../../../server/tickets/create-ticket';
import { getTicket } from '../../../server/tickets/get-ticket';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';
import { mapInOrder } from '../../../server/core/in-order';

/*
 * Real messages through nodemailer's SMTP client to the listener of the real server: every
 * way a message can be matched, refused, flagged or parked, and what staff do with it.
 */

const SAM = 'standard@acme-dental.test'; // Sam Standard, Acme Dental
const PAT = 'primary@acme-dental.test';
const NORTHWIND = 'standard@northwind.test';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  // A generous sender limit here: the limit itself has its own server below.
  srv = await startTestServer({ MAIL_MAX_MB: '1', MAIL_RATE_PER_SENDER: '1000' });
  // Matching itself is tested here: the demo domains are trusted without authentication (no
  // DNS in tests). How unauthenticated mail is held: sender-auth.test.ts.
  (await db().update(providers).set({ mailTrustedDomains: ['acme-dental.test', 'northwind.test'] }));
});
afterAll(() => srv?.stop());

const db = () => srv.portico.base.db;
const domain = () => srv.portico.base.settings.MAIL_DOMAIN;
const support = () => `support@${domain()}`;

async function send(message: Mail.Options): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: srv.portico.smtpPort, secure: false, ignoreTLS: true });
  try {
    return (await t.sendMail(message)).response;
  } finally {
    t.close();
  }
}

/** Sends and waits until intake has processed it. */
async function deliver(message: Mail.Options): Promise<string> {
  const response = await send(message);
  await srv.portico.intake.idle();
  return response;
}

async function newTicket(email = SAM, subject = 'Outlook keeps asking for the password') {
  return await createTicket(await asDemoUser(srv.portico.base, email), { subject, description: 'Since this morning.' });
}

async function tokenFor(ticketId: number, email: string): Promise<string> {
  const user = (await db().select().from(users).where(eq(users.email, email)))[0]!;
  return await db().transaction(async (tx) => await issueReplyToken(tx, srv.portico.base.clock.now(), { ticketId, userId: user.id, email }));
}

const commentsOf = async (ticketId: number) => (await db().select().from(ticketComments).where(eq(ticketComments.ticketId, ticketId)));
const rowFor = async (messageId: string) => (await db().select().from(inboundMessages).where(eq(inboundMessages.messageId, messageId)))[0];
let seq = 0;
const mid = () => `intake-${++seq}-${Date.now()}@client.test`;

describe('replies to a ticket', () => {
  it('by the reply address: a public comment from the contact, trimmed, with the message kept', async () => {
    const t = await newTicket();
    const messageId = mid();
    const response = await deliver({
      from: `Sam Standard <${SAM}>`,
      to: replyAddress(await tokenFor(t.id, SAM), domain()),
      subject: `Re: [#${t.number}] ${t.subject}`,
      messageId,
      text: `It works again, thanks!\n\nOn Mon, 2 Nov 2026 at 10:00, Portico <support@${domain()}> wrote:\n> ##- Please type your reply above this line -##\n> Please restart Outlook.`,
    });
    expect(response).toMatch(/^250 /);
    const row = (await rowFor(messageId))!;
    expect(row).toMatchObject({ status: 'processed', matchedBy: 'token', ticketId: t.id, fromAddress: SAM });
    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ body: 'It works again, thanks!', internal: false, source: 'email', authorSide: 'client', authorName: 'Sam Standard', inboundMessageId: row.id, flags: [] });
    expect(row.commentId).toBe(c!.id);
  });

  it('by our signed Message-ID in In-Reply-To, sent to the support address', async () => {
    const t = await newTicket();
    const messageId = mid();
    await deliver({
      from: SAM,
      to: support(),
      subject: 'Re: your ticket',
      messageId,
      inReplyTo: ticketMessageId(srv.portico.base.settings.secretKey, domain(), t.id, 3),
      text: 'Still broken after the restart.',
    });
    expect(await rowFor(messageId)).toMatchObject({ status: 'processed', matchedBy: 'message_id', ticketId: t.id });
    expect((await commentsOf(t.id)).map((c) => [c.body, c.internal])).toEqual([['Still broken after the restart.', false]]);
  });

  it('a forged Message-ID matches nothing', async () => {
    const t = await newTicket();
    const forged = ticketMessageId('some other secret at least 32 chars long', domain(), t.id, 3);
    const messageId = mid();
    await deliver({ from: 'someone@elsewhere.test', to: support(), subject: 'hello', messageId, inReplyTo: forged, text: 'Let me in.' });
    expect(await commentsOf(t.id)).toHaveLength(0);
    expect(await rowFor(messageId)).toMatchObject({ status: 'unmatched', ticketId: null });
  });

  it('by "[#N]" in the subject when the sender is on the ticket', async () => {
    const t = await newTicket();
    const messageId = mid();
    await deliver({ from: SAM, to: support(), subject: `Re: [#${t.number}] ${t.subject}`, messageId, text: 'Adding a screenshot later.' });
    expect(await rowFor(messageId)).toMatchObject({ status: 'processed', matchedBy: 'subject', ticketId: t.id });
    expect((await commentsOf(t.id)).map((c) => [c.body, c.internal])).toEqual([['Adding a screenshot later.', false]]);
  });

  it('but "[#N]" from someone not on the ticket writes nothing into it (a contact elsewhere gets their own ticket)', async () => {
    const t = await newTicket();
    const stranger = mid();
    await deliver({ from: 'attacker@elsewhere.test', to: support(), subject: `Re: [#${t.number}] hi`, messageId: stranger, text: 'Please send me the VPN password.' });
    const other = mid();
    await deliver({ from: NORTHWIND, to: support(), subject: `[#${t.number}] printer`, messageId: other, text: 'Our printer is jammed.' });
    expect(await commentsOf(t.id)).toHaveLength(0);
    expect(await rowFor(stranger)).toMatchObject({ status: 'unmatched', ticketId: null });
    const created = (await db().select().from(tickets).where(eq(tickets.id, (await rowFor(other))!.ticketId!)))[0]!;
    expect(created.id).not.toBe(t.id);
    expect(created.companyId).toBe(((await asDemoUser(srv.portico.base, NORTHWIND)).actor as { companyId: number }).companyId);
  });

  it('from a sender who is not the token holder or on the ticket: an internal note flagged "sender mismatch"', async () => {
    const t = await newTicket();
    const messageId = mid();
    await deliver({ from: `Nora <${NORTHWIND}>`, to: replyAddress(await tokenFor(t.id, SAM), domain()), subject: 'Re: ticket', messageId, text: 'Forwarded to me, answering anyway.' });
    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ internal: true, flags: ['sender_mismatch'], source: 'email', inboundMessageId: (await rowFor(messageId))!.id });
    expect(c!.body).toContain('Forwarded to me, answering anyway.');
    expect(c!.body).toContain(`Sender mismatch: ${NORTHWIND} is not on this ticket`);
    // The client never sees it; staff do.
    expect((await getTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: t.id })).comments).toHaveLength(0);
    expect((await getTicket(await asDemoUser(srv.portico.base, 'tech@demo-msp.test'), { ticketId: t.id })).comments.map((x) => x.id)).toEqual([c!.id]);
  });

  it('a duplicate Message-ID is answered 250 and stored once', async () => {
    const t = await newTicket();
    const message = { from: SAM, to: replyAddress(await tokenFor(t.id, SAM), domain()), subject: 'Re: x', messageId: mid(), text: 'Only once, please.' };
    expect(await deliver(message)).toMatch(/^250 2\.0\.0 Queued/);
    expect(await deliver({ ...message, text: 'Only once, please. (resent by a retrying server)' })).toMatch(/^250 2\.0\.0 Already received/);
    expect(await commentsOf(t.id)).toHaveLength(1);
    expect((await db().select().from(inboundMessages).where(eq(inboundMessages.messageId, message.messageId)))).toHaveLength(1);
  });

  it('an auto-reply is kept flagged for staff, does not reopen a closed ticket and mails nobody', async () => {
    const t = await newTicket();
    await closeTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: t.id });
    await srv.portico.notifier.drain();
    const mailsBefore = (await db().select().from(outbox)).length;
    const messageId = mid();
    await deliver({
      from: SAM,
      to: replyAddress(await tokenFor(t.id, SAM), domain()),
      subject: 'Automatic reply: ticket closed',
      messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am out of the office until Monday.',
    });
    await srv.portico.notifier.drain();
    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ internal: true, flags: ['automatic'] });
    expect((await db().select().from(tickets).where(eq(tickets.id, t.id)))[0]!.status).toBe('closed');
    expect((await db().select().from(outbox)).length).toBe(mailsBefore);
  });

  it.each([
    ['Precedence: bulk', { Precedence: 'bulk' }, 'Re: news'],
    ['List-Id', { 'List-Id': '<updates.vendor.test>' }, 'Re: news'],
    ['our own loop header', { 'X-Portico-Loop': 'portico.localhost' }, 'Re: x'],
    ['an out-of-office subject', {}, 'Abwesenheitsnotiz: Re: Ticket'],
  ])('%s counts as automatic', async (_name, headers, subject) => {
    const t = await newTicket();
    await deliver({ from: SAM, to: replyAddress(await tokenFor(t.id, SAM), domain()), subject, messageId: mid(), headers, text: 'Auto text.' });
    expect((await commentsOf(t.id))[0]).toMatchObject({ internal: true, flags: ['automatic'] });
  });

  it('a reply to a ticket closed within REOPEN_DAYS reopens it; to one closed long ago it opens a linked ticket', async () => {
    const recent = await newTicket();
    await closeTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: recent.id });
    await deliver({ from: SAM, to: replyAddress(await tokenFor(recent.id, SAM), domain()), subject: 'Re', messageId: mid(), text: 'It came back.' });
    expect((await db().select().from(tickets).where(eq(tickets.id, recent.id)))[0]!.status).toBe('open');
    expect(await commentsOf(recent.id)).toMatchObject([{ body: 'It came back.', internal: false, flags: ['reopened'] }]);

    const old = await newTicket();
    await closeTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: old.id });
    (await db().update(tickets).set({ closedAt: new Date(Date.now() - 20 * 86_400_000) }).where(eq(tickets.id, old.id)));
    const messageId = mid();
    await deliver({ from: SAM, to: replyAddress(await tokenFor(old.id, SAM), domain()), subject: 'Re', messageId, text: 'Same problem, months later.' });
    expect((await db().select().from(tickets).where(eq(tickets.id, old.id)))[0]!.status).toBe('closed');
    const follow = (await db().select().from(tickets).where(eq(tickets.id, (await rowFor(messageId))!.ticketId!)))[0]!;
    expect(follow).toMatchObject({ relatedTicketId: old.id, status: 'open', source: 'email', subject: old.subject, description: 'Same problem, months later.' });
  });

  it('attachments and inline images the reply shows become ticket attachments; refused files are named', async () => {
    const t = await newTicket();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082', 'hex');
    await deliver({
      from: SAM,
      to: replyAddress(await tokenFor(t.id, SAM), domain()),
      subject: 'Re: with files',
      messageId: mid(),
      text: 'See the screenshot.',
      html: '<p>See the screenshot.</p><p><img src="cid:shot@client.test"></p>',
      attachments: [
        { filename: 'screenshot.png', content: png, cid: 'shot@client.test' },
        { filename: 'log.txt', content: 'line 1\nline 2\n' },
        { filename: 'winmail.dat', content: Buffer.from([0x78, 0x9f, 0x3e, 0x22, 1, 2, 3]), contentType: 'application/ms-tnef' },
        { filename: 'setup.exe', content: Buffer.from('MZ\x90\x00') },
      ],
    });
    const [c] = await commentsOf(t.id);
    const files = (await db().select().from(attachments).where(eq(attachments.commentId, c!.id)));
    expect(files.map((f) => [f.filename, f.mimeType]).sort()).toEqual([
      ['log.txt', 'text/plain'],
      ['screenshot.png', 'image/png'],
      ['winmail.dat', 'application/ms-tnef'],
    ]);
    expect(c!.flags).toEqual(['attachment_refused']);
    expect(c!.body).toMatch(/^See the screenshot\.\n\n\[Not attached: setup\.exe: .*not accepted/);
  });

  it('decodes charsets (ISO-8859-1, quoted-printable)', async () => {
    const t = await newTicket();
    const raw = [
      `From: ${SAM}`,
      `To: ${replyAddress(await tokenFor(t.id, SAM), domain())}`,
      'Subject: =?ISO-8859-1?Q?R=E9ponse?=',
      `Message-ID: <${mid()}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe aus K=F6ln, =E7a marche.',
      '',
    ].join('\r\n');
    await deliver({ envelope: { from: SAM, to: replyAddress(await tokenFor(t.id, SAM), domain()) }, raw });
    expect((await commentsOf(t.id))[0]!.body).toBe('Grüße aus Köln, ça marche.');
  });
});

describe('mail to the support address', () => {
  it('from a known contact opens a ticket for their company', async () => {
    const messageId = mid();
    await deliver({ from: `Pat Primary <${PAT}>`, to: support(), subject: 'Re: New laptop for reception', messageId, text: 'Please order one.\n\n-- \nPat\nAcme Dental' });
    const row = (await rowFor(messageId))!;
    expect(row).toMatchObject({ status: 'processed', matchedBy: 'support_address' });
    const t = (await db().select().from(tickets).where(eq(tickets.id, row.ticketId!)))[0]!;
    expect(t).toMatchObject({ subject: 'New laptop for reception', description: 'Please order one.', source: 'email' });
    expect((await asDemoUser(srv.portico.base, PAT)).actor).toMatchObject({ contactId: t.requesterContactId });
  });

  it('from an unknown sender goes to Unmatched mail (or, when the provider allows it, adds them as a contact)', async () => {
    const unknown = mid();
    await deliver({ from: 'new.person@acme-dental.test', to: support(), subject: 'Hello', messageId: unknown, text: 'I am new here.' });
    expect(await rowFor(unknown)).toMatchObject({ status: 'unmatched', ticketId: null, providerId: expect.any(Number) });

    (await db().update(providers).set({ autoCreateContacts: true }));
    const created = mid();
    await deliver({ from: 'Newt Person <newt@acme-dental.test>', to: support(), subject: 'Printer', messageId: created, text: 'Jammed.' });
    (await db().update(providers).set({ autoCreateContacts: false }));
    const row = (await rowFor(created))!;
    expect(row).toMatchObject({ status: 'processed', flags: ['contact_created'] });
    const t = (await db().select().from(tickets).where(eq(tickets.id, row.ticketId!)))[0]!;
    expect((await asDemoUser(srv.portico.base, 'newt@acme-dental.test')).actor).toMatchObject({ kind: 'contact', contactId: t.requesterContactId, name: 'Newt Person' });
  });

  it('an automatic message never opens a ticket', async () => {
    const messageId = mid();
    await deliver({ from: SAM, to: support(), subject: 'Out of Office: hello', messageId, text: 'Away.' });
    expect(await rowFor(messageId)).toMatchObject({ status: 'unmatched', flags: ['automatic'], ticketId: null });
  });
});

describe('refusals', () => {
  it('answers 550 5.1.1 for addresses that mean nothing here: no relay, no guessing', async () => {
    for (const to of [`nobody@${domain()}`, `reply+${'a'.repeat(32)}@${domain()}`, 'support@elsewhere.test', `bounce+1-0000000000000000@${domain()}`]) {
      await expect(send({ from: SAM, to, subject: 'x', text: 'x' }), to).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('5.1.1') });
    }
  });

  it('answers 552 past MAIL_MAX_MB and stores nothing', async () => {
    const before = (await db().select().from(inboundMessages)).length;
    await expect(send({ from: SAM, to: support(), subject: 'big', text: 'x'.repeat(1.2 * 1024 * 1024) })).rejects.toMatchObject({ responseCode: 552 });
    expect((await db().select().from(inboundMessages)).length).toBe(before);
  });
});

describe('rate limit', () => {
  it('a sender past MAIL_RATE_PER_SENDER in 10 minutes gets 451 4.7.1 (others are not affected)', async () => {
    const limited = await startTestServer({ MAIL_RATE_PER_SENDER: '3' });
    try {
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: limited.portico.smtpPort, secure: false, ignoreTLS: true });
      const to = `support@${limited.portico.base.settings.MAIL_DOMAIN}`;
      for (let i = 0; i < 3; i++) expect((await t.sendMail({ from: 'loop@elsewhere.test', to, subject: `auto ${i}`, text: 'x' })).response).toMatch(/^250 /);
      await expect(t.sendMail({ from: 'loop@elsewhere.test', to, subject: 'auto 4', text: 'x' })).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('4.7.1') });
      expect((await t.sendMail({ from: SAM, to, subject: 'Printer', text: 'x' })).response).toMatch(/^250 /);
      t.close();
    } finally {
      await limited.stop();
    }
  });
});

describe('bounces', () => {
  it('a delivery report to a bounce address marks the recipient as bouncing and notes it on the ticket', async () => {
    const t = await newTicket();
    await srv.portico.notifier.drain();
    const notice = (await db().select().from(outbox)).find((m) => m.toAddress === SAM && m.subject.includes(`[#${t.number}]`))!;
    const raw = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.acme-dental.test>',
      `To: ${bounceAddress(srv.portico.base.settings, notice.id)}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${mid()}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acme-dental.test',
      '',
      `Final-Recipient: rfc822; ${SAM}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${notice.headers['Message-ID']}`,
      `Subject: ${notice.subject}`,
      '--b1--',
      '',
    ].join('\r\n');
    await deliver({ envelope: { from: '', to: bounceAddress(srv.portico.base.settings, notice.id) }, raw });
    expect((await db().select().from(emailBounces).where(eq(emailBounces.email, SAM)))[0]).toMatchObject({ count: 1, lastReason: '550 5.1.1 mailbox unknown' });
    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ internal: true, flags: ['automatic', 'bounce'] });
    expect(c!.body).toContain(`Delivery failed: ${SAM}`);
  });
});

describe('staff sort the Unmatched mail', () => {
  it('list, read sanitised, attach to a ticket by number, create a ticket, discard, download the .eml', async () => {
    const key = await enrollTotp(srv.portico, 'admin@demo-msp.test');
    const staff = createTestClient(srv.origin);
    const first = await staff.client.auth.signInWithPassword.mutate({ email: 'admin@demo-msp.test', password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(`expected two-factor, got ${first.kind}`);
    await staff.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });

    const ids: string[] = [mid(), mid(), mid()];
    for (const [i, messageId] of ids.entries()) {
      await deliver({
        from: `Someone <someone${i}@elsewhere.test>`,
        to: support(),
        subject: `Question ${i}`,
        messageId,
        text: `Question number ${i}.`,
        html: `<p onclick="steal()">Question number ${i}.</p><script>alert(1)</script><img src="https://tracker.test/p.gif" alt="pixel">`,
      });
    }
    const [a, b, c] = await mapInOrder(ids, async (m) => (await rowFor(m))!.id);
    const list = await staff.client.inboundMail.list.query({ status: 'open' });
    expect(list.items.map((i) => i.id)).toEqual(expect.arrayContaining([a, b, c]));
    expect(list.items.find((i) => i.id === a)).toMatchObject({ fromAddress: 'someone0@elsewhere.test', subject: 'Question 0', status: 'unmatched' });

    const view = await staff.client.inboundMail.get.query({ inboundMessageId: a! });
    expect(view.html).toContain('Question number 0.');
    expect(view.html).not.toMatch(/script|onclick|tracker\.test/);
    expect(view.html).toContain('[image: pixel]');

    const t = await newTicket();
    await staff.client.inboundMail.attach.mutate({ inboundMessageId: a!, ticketNumber: t.number });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: true, flags: ['attached_by_staff'], inboundMessageId: a }]);
    await expect(staff.client.inboundMail.attach.mutate({ inboundMessageId: a!, ticketNumber: t.number })).rejects.toThrow('already been sorted');

    const acme = ((await asDemoUser(srv.portico.base, SAM)).actor as { companyId: number }).companyId;
    const made = await staff.client.inboundMail.createTicket.mutate({ inboundMessageId: b!, companyId: acme });
    expect((await db().select().from(tickets).where(eq(tickets.id, made.ticketId)))[0]).toMatchObject({ subject: 'Question 1', description: 'Question number 1.', source: 'email' });
    const origins = await staff.client.inboundMail.forTicket.query({ ticketId: made.ticketId });
    expect(origins).toEqual([{ commentId: null, inboundMessageId: b, flags: ['created_by_staff'], senderSummary: expect.stringMatching(/^Not checked: /) }]);

    await staff.client.inboundMail.discard.mutate({ inboundMessageId: c! });
    const open = await staff.client.inboundMail.list.query({ status: 'open' });
    expect(open.items.map((i) => i.id)).not.toContain(a);
    expect(open.items.map((i) => i.id)).not.toContain(c);

    const eml = await fetch(`${srv.origin}/inbound-mail/${c}.eml`, { headers: { cookie: staff.cookie() } });
    expect(eml.status).toBe(200);
    expect(eml.headers.get('content-type')).toBe('message/rfc822');
    // Exactly the message's own bytes, though it may share a spool file with others.
    const bytes = Buffer.from(await eml.arrayBuffer());
    expect(bytes.toString()).toContain('Question number 2.');
    expect(bytes.length).toBe((await db().select().from(inboundMessages).where(eq(inboundMessages.id, c!)))[0]!.size);
    expect(bytes.toString()).toMatch(/^[A-Za-z-]+: /);
    expect((await fetch(`${srv.origin}/inbound-mail/${c}.eml`)).status).toBe(404);

    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: SAM, password: DEMO_PASSWORD });
    expect((await fetch(`${srv.origin}/inbound-mail/${c}.eml`, { headers: { cookie: contact.cookie() } })).status).toBe(404);
    await expect(contact.client.inboundMail.list.query({})).rejects.toThrow();
    await staff.close();
    await contact.close();
  });
});

describe('live', () => {
  it('an emailed reply reaches a contact subscribed to the thread', async () => {
    const t = await newTicket();
    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: SAM, password: DEMO_PASSWORD });
    const live = contact.live();
    const got = new Promise<{ kind: string; payload: { comment?: { body: string; source: string } } }>((resolve) => {
      const sub = live.tickets.onThread.subscribe(
        { ticketId: t.id },
        {
          onData: (e) => {
            const ev = e.data as { kind: string; payload: { comment?: { body: string; source: string } } };
            if (ev.kind === 'comment.added') {
              sub.unsubscribe();
              resolve(ev);
            }
          },
        },
      );
    });
    await new Promise((r) => setTimeout(r, 200));
    await send({ from: SAM, to: replyAddress(await tokenFor(t.id, SAM), domain()), subject: 'Re', messageId: mid(), text: 'Live from my mail client.' });
    expect((await got).payload.comment).toMatchObject({ body: 'Live from my mail client.', source: 'email' });
    await contact.close();
  });
});
