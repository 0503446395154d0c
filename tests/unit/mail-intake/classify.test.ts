import { afterAll, describe, expect, it } from 'vitest';
import { bounceAddress, classifyRecipient } from '../../../server/mail-intake/addresses';
import { automaticReason, bounceReport, plainBounceReport, spamVerdict } from '../../../server/mail-intake/classify';
import { parseMail } from '../../../server/mail-intake/parse-message';
import { sanitizeMailHtml } from '../../../server/mail-intake/sanitize-mail-html';
import { peekMessageId } from '../../../server/mail-intake/store-inbound';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { createProvider } from '../../../server/people/create-provider';
import { createCompany } from '../../../server/people/create-company';
import { createContact } from '../../../server/people/create-contact';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { createTicket } from '../../../server/tickets/create-ticket';
import { system } from '../../../server/core/actor';
import { withActor } from '../../../server/core/context';
import { actorForAccount } from '../../../server/auth/accounts';
import { freshContext } from '../../helpers/fresh-context';

const { ctx, clock, cleanup } = await freshContext();
afterAll(cleanup);

const mail = (headers: string, body = 'Text.') => parseMail(Buffer.from(`${headers}\r\n\r\n${body}\r\n`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r')));
const FROM = 'From: Sam <sam@acme.test>\nTo: support@portico.localhost\nSubject: Re: printer';

describe('automatic mail', () => {
  it.each([
    ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied'],
    ['Auto-Submitted: auto-generated', 'Auto-Submitted: auto-generated'],
    ['Precedence: junk', 'Precedence: junk'],
    ['Precedence: auto_reply', 'Precedence: auto_reply'],
    ['X-Autoreply: yes', 'x-autoreply header'],
    ['X-Autorespond: yes', 'x-autorespond header'],
    ['List-Id: <news.vendor.test>', 'list-id header'],
    ['X-Portico-Loop: portico.localhost', 'x-portico-loop header'],
  ])('%s', async (header, reason) => {
    expect(automaticReason(await mail(`${FROM}\n${header}`), 'sam@acme.test', ctx.settings)).toBe(reason);
  });

  it('empty Return-Path, mail servers, our own addresses, and out-of-office subjects in several languages', async () => {
    expect(automaticReason(await mail(FROM), null, ctx.settings)).toBe('empty Return-Path');
    expect(automaticReason(await mail(FROM.replace('sam@acme.test', 'MAILER-DAEMON@mx.acme.test')), 'x@y.test', ctx.settings)).toBe('sent by a mail server');
    expect(automaticReason(await mail(FROM.replace('sam@acme.test', 'support@portico.localhost')), 'x@y.test', ctx.settings)).toBe('sent from the portal itself');
    for (const subject of ['Out of Office: Re: printer', 'Automatic reply: x', 'Abwesenheitsnotiz: x', 'Réponse automatique : x', 'Respuesta automática: x', 'Afwezig: x', 'Risposta automatica: x', 'Resposta automática: x']) {
      expect(automaticReason(await mail(FROM.replace('Re: printer', subject)), 'sam@acme.test', ctx.settings), subject).toBe('out-of-office subject');
    }
    expect(automaticReason(await mail(`${FROM}\nAuto-Submitted: no`), 'sam@acme.test', ctx.settings)).toBeNull();
    expect(automaticReason(await mail(FROM.replace('Re: printer', 'Re: Office chair is out of stock')), 'sam@acme.test', ctx.settings)).toBeNull();
  });
});

describe('spam verdicts of filters on the way', () => {
  it('X-Spam-Flag: YES and X-Spam-Status: Yes are spam; No is not', async () => {
    expect(spamVerdict(await mail(`${FROM}\nX-Spam-Flag: YES`))).toBe('X-Spam-Flag: YES');
    expect(spamVerdict(await mail(`${FROM}\nX-Spam-Status: Yes, score=12.3 required=4.5`))).toBe('X-Spam-Status: Yes, score=12.3 required=4.5');
    expect(spamVerdict(await mail(`${FROM}\nX-Spam-Status: No, score=-0.1 required=5.0`))).toBeNull();
    expect(spamVerdict(await mail(`${FROM}\nX-Spam-Flag: NO`))).toBeNull();
    expect(spamVerdict(await mail(FROM))).toBeNull();
  });
});

describe('plain-text delivery reports', () => {
  const DAEMON_FROM = 'From: Mail Delivery System <MAILER-DAEMON@mx.acme.test>\nTo: support@portico.localhost';
  const BODY = 'I was not able to deliver your message to the following addresses.\n\n<nora@northwind.test>:\n550 5.1.1 User unknown\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <orig-1@portico.localhost>\nFrom: support@portico.localhost\nTo: other@acme.test\n\nHello';

  it.each([
    'Undelivered Mail Returned to Sender',
    'Delivery Status Notification (Failure)',
    'failure notice',
    'Mail delivery failed: returning message to sender',
    'Unzustellbar: Ihr Ticket',
    'Non remis : votre ticket',
    'Undeliverable: your ticket',
    'Returned mail: see transcript for details',
    'No se puede entregar: su ticket',
    'Onbestelbaar: uw ticket',
  ])('"%s" from a mail server names the failed recipient from the body', async (subject) => {
    const report = plainBounceReport(await mail(`${DAEMON_FROM}\nSubject: ${subject}`, BODY), '', ctx.settings);
    expect(report).toEqual({ failed: [{ email: 'nora@northwind.test', reason: '550 5.1.1 User unknown' }], originalMessageId: 'orig-1@portico.localhost' });
  });

  it('is no report from a person, nor with another subject, nor a delay notice', async () => {
    expect(plainBounceReport(await mail(`${FROM.replace('Re: printer', 'Undelivered Mail Returned to Sender')}`, BODY), 'sam@acme.test', ctx.settings)).toBeNull();
    expect(plainBounceReport(await mail(`${DAEMON_FROM}\nSubject: Re: printer`, BODY), '', ctx.settings)).toBeNull();
    expect(plainBounceReport(await mail(`${DAEMON_FROM}\nSubject: Delivery Status Notification (Delay)`, BODY), '', ctx.settings)).toBeNull();
  });
});

describe('delivery reports', () => {
  it('names the failed recipients, not delayed ones, and the bounced message', async () => {
    const raw = [
      'From: MAILER-DAEMON@mx.test',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.test',
      '',
      'Final-Recipient: rfc822; Gone@Acme.test',
      'Action: failed',
      'Status: 5.1.1',
      '',
      'Final-Recipient: rfc822; slow@acme.test',
      'Action: delayed',
      'Status: 4.4.1',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'Message-ID: <ticket-5.9.abc@portico.localhost>',
      'Subject: x',
      '',
      'body',
      '--b--',
    ].join('\r\n');
    const report = bounceReport(await parseMail(Buffer.from(raw)));
    expect(report).toEqual({ failed: [{ email: 'gone@acme.test', reason: '5.1.1' }], originalMessageId: 'ticket-5.9.abc@portico.localhost' });
    expect(bounceReport(await mail(FROM))).toBeNull();
  });
});

describe('recipient addresses', () => {
  it('accepts support@, live reply tokens and signed bounce addresses of MAIL_DOMAIN only', async () => {
    const sys = withActor(ctx, system);
    const p = await createProvider(sys, { name: 'MSP', identifier: 'msp', currency: 'USD' });
    const admin = await createStaffMember(sys, p.id, { name: 'Ada', email: 'ada@msp.test', role: 'admin' });
    const asAdmin = withActor(ctx, (await actorForAccount(ctx.db, { id: admin.userId, name: 'Ada' }, { kind: 'staff', id: admin.id }))!);
    const company = await createCompany(asAdmin, { name: 'Acme', emailDomains: ['acme.test'] });
    const contact = await createContact(asAdmin, { companyId: company.id, name: 'Sam', email: 'sam@acme.test', types: ['standard'] });
    const t = await createTicket(asAdmin, { subject: 's', description: 'd', companyId: company.id });
    const token = await ctx.db.transaction(async (tx) => await issueReplyToken(tx, clock.now(), { ticketId: t.id, userId: contact.userId!, email: 'sam@acme.test' }));

    expect(await classifyRecipient(ctx, 'Support@Portico.Localhost')).toEqual({ kind: 'support' });
    expect(await classifyRecipient(ctx, replyAddress(token, 'portico.localhost').toUpperCase())).toEqual({ kind: 'reply', token, target: { ticketId: t.id, userId: contact.userId, email: 'sam@acme.test' } });
    expect(await classifyRecipient(ctx, bounceAddress(ctx.settings, 42))).toEqual({ kind: 'bounce', outboxId: 42 });
    expect(await classifyRecipient(ctx, bounceAddress(ctx.settings, 42).replace('bounce+42', 'bounce+43'))).toBeNull();
    expect(await classifyRecipient(ctx, 'support@elsewhere.test')).toBeNull();
    expect(await classifyRecipient(ctx, 'postmaster@portico.localhost')).toBeNull();
    clock.advance(91 * 86_400_000);
    expect(await classifyRecipient(ctx, replyAddress(token, 'portico.localhost'))).toBeNull();
  });

  it('reads the Message-ID from a raw header, folded or not', () => {
    expect(peekMessageId(Buffer.from('Subject: x\r\nMessage-ID:\r\n <abc@client.test>\r\n\r\nMessage-ID: <not-this@x>'))).toBe('abc@client.test');
    expect(peekMessageId(Buffer.from('Subject: x\r\n\r\nbody'))).toBeNull();
  });
});

describe('sanitising mail HTML for staff', () => {
  it('keeps text, structure and web links; drops scripts, styles, handlers, forms, frames and remote images', () => {
    const out = sanitizeMailHtml(
      '<style>p{}</style><p style="x" onclick="y()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://ex.test">ok</a></p><img src="https://t.test/p.gif" alt="logo"><img src="cid:a@b"><iframe src="https://x"></iframe><form><input></form><script>z()</script>',
      new Map([['a@b', '/attachments/5/shot.png']]),
    );
    expect(out).toBe(
      '<p>Hi <a rel="noopener noreferrer nofollow" target="_blank">bad</a> <a href="https://ex.test" rel="noopener noreferrer nofollow" target="_blank">ok</a></p><span>[image: logo]</span><img src="/attachments/5/shot.png" alt="" />',
    );
  });
});
