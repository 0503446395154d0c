import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, inArray } from 'drizzle-orm';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments } from '../../../db/schema/attachments';
import { emailBounces, inboundMessages } from '../../../db/schema/inbound-mail';
import { outbox } from '../../../db/schema/outbox';
import { providers, users } from '../../../db/schema/people';
import { ticketComments, tickets } from '../../../db/schema/tickets';
import { bounceAddress } from '../../../server/mail-intake/addresses';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { createTicket } from '../../../server/tickets/create-ticket';
import { asDemoUser } from '../../helpers/demo-actors';
import { startTestServer } from '../../helpers/test-server';

/*
 * What intake stores of real mail (tests/fixtures/mail/, one folder per source, and the talon
 * corpus), sent over SMTP to the listener of the real server: decoded text, the content of
 * HTML-only and odd MIME mail, files, plain-text bounces, spam, and one delivery per
 * recipient. Legacy charsets with no real fixture are built here from real text encoded
 * with iconv-lite (each says so).
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/mail/', import.meta.url));
const TALON = fileURLToPath(new URL('../../fixtures/mail-corpus/talon-standard-replies/', import.meta.url));
const SAM = 'standard@acme-dental.test';
const PAT = 'primary@acme-dental.test';
const FFFD = '\uFFFD';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer({ MAIL_RATE_PER_SENDER: '1000' });
  // What is stored of a message is tested here, not who may post: the demo domains are trusted
  // without authentication (no DNS in tests; see sender-auth.test.ts for that).
  (await db().update(providers).set({ mailTrustedDomains: ['acme-dental.test', 'northwind.test'] }));
});
afterAll(() => srv?.stop());

const db = () => srv.portico.base.db;
const domain = () => srv.portico.base.settings.MAIL_DOMAIN;
const support = () => `support@${domain()}`;
const fixture = (path: string) => readFileSync(join(FIXTURES, path));

/** Sends raw bytes with this envelope and waits until intake has processed them. */
async function deliver(raw: Buffer | string, to: string, from: string = SAM): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: srv.portico.smtpPort, secure: false, ignoreTLS: true });
  try {
    const info = await t.sendMail({ envelope: { from, to }, raw });
    await srv.portico.intake.idle();
    return info.response;
  } finally {
    t.close();
  }
}

/** A fixture with its From (and To) replaced, as the person on the ticket would send it. */
function asSender(raw: Buffer, from: string, to?: string): Buffer {
  let text = raw.toString('latin1').replace(/^From:.*(\r?\n[ \t].*)*$/im, `From: ${from}`);
  if (to) text = text.replace(/^To:.*(\r?\n[ \t].*)*$/im, `To: ${to}`);
  return Buffer.from(text, 'latin1');
}

async function newTicket(subject: string) {
  return await createTicket(await asDemoUser(srv.portico.base, SAM), { subject, description: 'Opened in the portal.' });
}

async function replyTo(ticketId: number): Promise<string> {
  const user = (await db().select().from(users).where(eq(users.email, SAM)))[0]!;
  return replyAddress(
    await db().transaction(async (tx) => await issueReplyToken(tx, srv.portico.base.clock.now(), { ticketId, userId: user.id, email: SAM })),
    domain(),
  );
}

const commentsOf = async (ticketId: number) => (await db().select().from(ticketComments).where(eq(ticketComments.ticketId, ticketId)));
const lastRow = async () => (await db().select().from(inboundMessages).orderBy(inboundMessages.id)).at(-1)!;
const ticketOf = async (id: number) => (await db().select().from(tickets).where(eq(tickets.id, id)))[0]!;
const filesOf = async (ticketId: number) => (await db().select().from(attachments).where(eq(attachments.ticketId, ticketId)));
const crlf = (...lines: (string | Buffer)[]) => Buffer.concat(lines.flatMap((l) => [typeof l === 'string' ? Buffer.from(l, 'latin1') : l, Buffer.from('\r\n')]));

// Real text: the GB2312 file name and the Shift_JIS word of the issue's report, the Japanese
// line of Zammad's mail091 fixture, the Big5 line of Discourse's big5.eml; no real fixture
// carries these charsets raw, so iconv-lite encodes them here.
const SUBJECT_GBK = '转发：绩效管理办法';
const JAPANESE = 'ツールの件です。このアドレスへのメルマガを解除してください。';

/** Raw 8-bit GBK subject, GB2312 file name and Shift_JIS body with no charset, and a Big5 label on UTF-8 text. */
function legacyCharsets(messageId: string): Buffer {
  return crlf(
    `From: Pat Primary <${PAT}>`,
    `To: ${support()}`,
    Buffer.concat([Buffer.from('Subject: '), iconv.encode(SUBJECT_GBK, 'gbk')]),
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    'Content-Transfer-Encoding: 8bit',
    '',
    iconv.encode(JAPANESE, 'shift_jis'),
    '--b1',
    'Content-Type: text/plain; charset=Big5',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('媽！我上電視了！', 'utf8').toString('base64'),
    '--b1',
    Buffer.concat([Buffer.from('Content-Type: text/plain; name="'), iconv.encode('绩效管理.txt', 'gb2312'), Buffer.from('"')]),
    Buffer.concat([Buffer.from('Content-Disposition: attachment; filename="'), iconv.encode('绩效管理.txt', 'gb2312'), Buffer.from('"')]),
    '',
    'Targets for the third quarter.',
    '--b1--',
  );
}

describe('decoding', () => {
  it('raw 8-bit GBK subject, GB2312 file name and Shift_JIS body without a charset, and a Big5 label on UTF-8 text (built from real text with iconv-lite)', async () => {
    const raw = legacyCharsets('charsets-1@client.test');
    expect(await deliver(raw, support(), PAT)).toMatch(/^250 /);
    const row = await lastRow();
    expect(row).toMatchObject({ status: 'processed', subject: SUBJECT_GBK });
    const t = await ticketOf(row.ticketId!);
    expect(t.subject).toBe(SUBJECT_GBK);
    expect(t.description).toContain(JAPANESE);
    expect(t.description).toContain('媽！我上電視了！');
    expect((await filesOf(t.id)).map((f) => f.filename)).toEqual(['绩效管理.txt']);
  });

  it('a Big5 message (Discourse fixture) reads as written', async () => {
    const t = await newTicket('Crystal Blue');
    await deliver(asSender(fixture('discourse/big5.eml'), SAM), await replyTo(t.id));
    expect((await commentsOf(t.id)).map((c) => c.body)).toEqual(['媽！我上電視了！']);
  });
});

describe('content never lost', () => {
  it('an HTML-only forward (the Discourse html_only.eml message, forwarded) keeps the HTML text, not a placeholder', async () => {
    // Forwarded to the support address: nothing is trimmed, and the text part is empty.
    const raw = asSender(fixture('discourse/html_only.eml'), `Pat Primary <${PAT}>`, support()).toString('latin1').replace(/^Subject: Re:/m, 'Subject: Fwd:');
    await deliver(raw, support(), PAT);
    const t = await ticketOf((await lastRow()).ticketId!);
    expect(t.description).toContain("The EC2 instance - I've seen that there tends to be odd and unrecommended settings");
    expect(t.description).not.toContain('(This email had no text.)');
  });

  it('an HTML-only reply that only quotes keeps its whole text', async () => {
    const t = await newTicket('Printer offline');
    const raw = crlf(
      `From: ${SAM}`,
      `To: ${(await replyTo(t.id))}`,
      'Subject: Re: Printer offline',
      'Message-ID: <quote-only-1@client.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="a1"',
      '',
      '--a1',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      ' ',
      '--a1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<div class="gmail_quote"><blockquote class="gmail_quote">Is the printer still offline?</blockquote></div>',
      '--a1--',
    );
    await deliver(raw, await replyTo(t.id));
    const [c] = await commentsOf(t.id);
    expect(c!.body).toContain('Is the printer still offline?');
  });

  it('multipart/alternative with no boundary lines in its body: the body is the text', async () => {
    // No real fixture: the header of a Gmail reply over a body some relay flattened.
    const t = await newTicket('VPN drops');
    const raw = crlf(
      `From: ${SAM}`,
      `To: ${(await replyTo(t.id))}`,
      'Subject: Re: VPN drops',
      'Message-ID: <no-boundary-1@client.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"',
      '',
      'It dropped again at 10:40, right after the update.',
    );
    await deliver(raw, await replyTo(t.id));
    expect((await commentsOf(t.id)).map((c) => c.body)).toEqual(['It dropped again at 10:40, right after the update.']);
  });

  it('a file attached by Apple Mail inside multipart/related, whose cid the HTML does not show, is attached', async () => {
    // Apple Mail's layout (Discourse's apple_mail_attachment.eml): the HTML in a
    // multipart/related with its parts; here a PDF with Content-Disposition: attachment and
    // a Content-Id the HTML does not show.
    const t = await newTicket('Invoice copy');
    const raw = crlf(
      `From: Sam Standard <${SAM}>`,
      `To: ${(await replyTo(t.id))}`,
      'Subject: Re: Invoice copy',
      'Message-Id: <FA917EB6-349D-4D11-81F7-6566D822706C@acme-dental.test>',
      'X-Mailer: Apple Mail (2.3445.102.3)',
      'Mime-Version: 1.0 (Mac OS X Mail 12.2 \\(3445.102.3\\))',
      'Content-Type: multipart/alternative; boundary="Apple-Mail=_E26F2E97"',
      '',
      '--Apple-Mail=_E26F2E97',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Here it is.',
      '',
      '> On 23 Jan 2019, at 20:04, Portico <support@portico.localhost> wrote:',
      '> Please send the invoice.',
      '--Apple-Mail=_E26F2E97',
      'Content-Type: multipart/related; type="text/html"; boundary="Apple-Mail=_43FB3540"',
      '',
      '--Apple-Mail=_43FB3540',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body>Here it is.<div><br></div><blockquote type="cite"><div>On 23 Jan 2019, at 20:04, Portico wrote:</div><div>Please send the invoice.</div></blockquote></body></html>',
      '--Apple-Mail=_43FB3540',
      'Content-Disposition: attachment; filename=invoice-0042.pdf',
      'Content-Type: application/pdf; x-unix-mode=0644; name="invoice-0042.pdf"',
      'Content-Id: <0340C3C3-07EE-4E29-87FA-3CFD02F2F50D>',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64'),
      '--Apple-Mail=_43FB3540--',
      '--Apple-Mail=_E26F2E97--',
    );
    await deliver(raw, await replyTo(t.id));
    const [c] = await commentsOf(t.id);
    expect(c!.body).toBe('Here it is.');
    expect((await filesOf(t.id)).map((f) => f.filename)).toEqual(['invoice-0042.pdf']);
  });

  it('a message without a Message-ID (talon outlook.eml) sent to two reply addresses in two deliveries reaches both; a re-delivery neither again', async () => {
    const raw = asSender(readFileSync(join(TALON, 'outlook.eml')), `Sam Standard <${SAM}>`);
    expect(raw.toString('latin1')).not.toMatch(/^Message-ID:/im);
    const a = await newTicket('First ticket');
    const b = await newTicket('Second ticket');
    const toA = await replyTo(a.id);
    const toB = await replyTo(b.id);
    expect(await deliver(raw, toA)).toMatch(/Queued as/);
    expect(await deliver(raw, toB)).toMatch(/Queued as/);
    expect(await deliver(raw, toA)).toMatch(/Already received/);
    expect((await commentsOf(a.id)).map((c) => c.body)).toEqual(['Hello']);
    expect((await commentsOf(b.id)).map((c) => c.body)).toEqual(['Hello']);
  });
});

describe('automatic mail', () => {
  it('plain-text bounces (sisimai set-of-emails: Exim, qmail) mark the failed recipients', async () => {
    // Exim's report to the envelope sender of one of our notifications (VERP).
    const t = await newTicket('Bounce test');
    await srv.portico.notifier.drain();
    const notice = (await db().select().from(outbox)).find((m) => m.toAddress === SAM && m.subject.includes(`[#${t.number}]`))!;
    await deliver(fixture('sisimai/email-exim-02.eml'), bounceAddress(srv.portico.base.settings, notice.id), '');
    expect(await lastRow()).toMatchObject({ status: 'processed', matchedBy: 'bounce', flags: ['bounce'] });
    const exim = (await db().select().from(emailBounces).where(inArray(emailBounces.email, ['kijitora@example.jp', 'sabatora@example.jp'])));
    expect(exim.map((b) => b.email).sort()).toEqual(['kijitora@example.jp', 'sabatora@example.jp']);
    expect(exim.find((b) => b.email === 'kijitora@example.jp')!.lastReason).toContain('550 5.1.1');
    // qmail's "failure notice", to the support address.
    await deliver(fixture('sisimai/email-qmail-01.eml'), support(), '');
    expect(await lastRow()).toMatchObject({ matchedBy: 'bounce', flags: ['bounce'] });
    expect((await db().select().from(emailBounces).where(eq(emailBounces.email, 'kijitora@example.ne.jp')))[0]?.lastReason).toContain('550 Unknown user');
  });

  it.each(['spam_x_spam_flag.eml', 'spam_x_spam_status.eml'])('%s (Discourse fixture): kept as spam for staff, no ticket, no comment, no mail', async (file) => {
    const raw = asSender(fixture(`discourse/${file}`), `Pat Primary <${PAT}>`, support()).toString('latin1').replace(/<32@foo\.bar\.mail>/, `<${file}@foo.bar.mail>`);
    const ticketsBefore = (await db().select().from(tickets)).length;
    await deliver(raw, support(), PAT);
    const row = await lastRow();
    expect(row).toMatchObject({ status: 'unmatched', flags: ['spam'], ticketId: null, commentId: null });
    expect(row.error).toMatch(/spam/i);
    expect((await db().select().from(tickets))).toHaveLength(ticketsBefore);

    // A reply to a ticket flagged the same way: no comment, nothing mailed.
    const t = await newTicket(`Spam reply ${file}`);
    await srv.portico.notifier.drain();
    const mailsBefore = (await db().select().from(outbox)).length;
    const reply = asSender(fixture(`discourse/${file}`), SAM, await replyTo(t.id)).toString('latin1').replace(/<32@foo\.bar\.mail>/, `<reply-${file}@foo.bar.mail>`);
    await deliver(reply, await replyTo(t.id));
    await srv.portico.notifier.drain();
    expect(await lastRow()).toMatchObject({ status: 'unmatched', flags: ['spam'] });
    expect(await commentsOf(t.id)).toHaveLength(0);
    expect((await db().select().from(outbox))).toHaveLength(mailsBefore);
  });
});

function emlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? emlFiles(join(dir, f)).map((g) => join(f, g)) : f.endsWith('.eml') ? [f] : []));
}

describe('every fixture of tests/fixtures/mail, and the legacy charsets built above', () => {
  const files = emlFiles(FIXTURES);
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(6));

  it.each([...files, 'legacy charsets'])('%s: no stored subject, text or file name holds U+FFFD', async (file) => {
    const id = `sweep-${file.replace(/\W/g, '-')}@client.test`;
    const raw = file === 'legacy charsets' ? legacyCharsets(id) : asSender(fixture(file), `Pat Primary <${PAT}>`, support()).toString('latin1').replace(/^Message-ID:.*$/im, `Message-ID: <${id}>`);
    await deliver(raw, support(), PAT);
    const row = await lastRow();
    expect(row.status).not.toBe('failed');
    expect(row.subject ?? '').not.toContain(FFFD);
    if (!row.ticketId) return;
    const t = await ticketOf(row.ticketId);
    expect(t.subject).not.toContain(FFFD);
    expect(t.description).not.toContain(FFFD);
    for (const c of await commentsOf(t.id)) expect(c.body).not.toContain(FFFD);
    for (const f of await filesOf(t.id)) expect(f.filename).not.toContain(FFFD);
  });
});
