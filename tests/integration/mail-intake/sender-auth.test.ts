import { rmSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../db/schema/audit';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { outbox } from '../../../db/schema/outbox';
import { users } from '../../../db/schema/people';
import { ticketComments, tickets } from '../../../db/schema/tickets';
import { closeDatabase, openDatabase } from '../../../db/client';
import { migrateDatabase } from '../../../db/migrate';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { seedHeldMail } from '../../../server/seed/demo-mail';
import { updateMailSenderSettings } from '../../../server/admin/mail-sender-settings';
import { actorForAccount } from '../../../server/auth/accounts';
import { system } from '../../../server/core/actor';
import { withActor } from '../../../server/core/context';
import { createServiceContext } from '../../../server/core/create-service-context';
import { createLogger } from '../../../server/core/logger';
import { startMailIntake } from '../../../server/mail-intake/intake-worker';
import { ticketMessageId } from '../../../server/notifications/message-id';
import { issueReplyToken, replyAddress } from '../../../server/notifications/reply-tokens';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { createTicket } from '../../../server/tickets/create-ticket';
import { getTicket } from '../../../server/tickets/get-ticket';
import { listTickets } from '../../../server/tickets/list-tickets';
import { addWatcher } from '../../../server/tickets/watchers';
import { releaseMailNote } from '../../../server/tickets/release-mail-note';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { asDemoUser } from '../../helpers/demo-actors';
import { dkimKey, dnsZone } from '../../helpers/mail-dns-zone';
import { startTestServer, testSettings } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Sender authentication through the real SMTP listener: a forged header From is held for
 * staff, an authenticated one posts; SPF, DKIM and DMARC run for real with records served by
 * the test (keys generated here, messages DKIM-signed by nodemailer); and staff release.
 */

const SAM = 'standard@acme-dental.test';
const ACME = 'acme-dental.test';
const ATTACKER = 'attacker@evil.example';
const zone = dnsZone();
const acmeKey = dkimKey(ACME);
const evilKey = dkimKey('evil.example');

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer({ MAIL_RATE_PER_SENDER: '1000' }, { dnsResolver: zone.resolver });
  zone.txt(acmeKey.name, acmeKey.record);
  zone.txt(evilKey.name, evilKey.record);
});
afterAll(() => srv?.stop());
beforeEach(async () => {
  // Acme publishes DMARC (reject) and no SPF unless a test says otherwise; the provider holds mail without DMARC.
  zone.txt(`_dmarc.${ACME}`, 'v=DMARC1; p=reject');
  zone.txt(ACME, null);
  await setPolicy('hold', []);
});

const db = () => srv.portico.base.db;
const domain = () => srv.portico.base.settings.MAIL_DOMAIN;
const support = () => `support@${domain()}`;
const admin = async () => await asDemoUser(srv.portico.base, 'admin@demo-msp.test');
const setPolicy = async (noDmarc: 'hold' | 'spf', trustedDomains: string[]) => await updateMailSenderSettings(await admin(), { noDmarc, trustedDomains });

async function deliver(message: Mail.Options): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: srv.portico.smtpPort, secure: false, ignoreTLS: true });
  try {
    return (await t.sendMail(message)).response;
  } finally {
    t.close();
    await srv.portico.intake.idle();
  }
}

let seq = 0;
const mid = () => `auth-${++seq}-${Date.now()}@client.test`;
const newTicket = async (subject = 'Printer offline') => await createTicket(await asDemoUser(srv.portico.base, SAM), { subject, description: 'It says offline.' });
const commentsOf = async (ticketId: number) => (await db().select().from(ticketComments).where(eq(ticketComments.ticketId, ticketId)));
const rowFor = async (messageId: string) => (await db().select().from(inboundMessages).where(eq(inboundMessages.messageId, messageId)))[0]!;
const mailsTo = async (address: string) => (await db().select().from(outbox).where(eq(outbox.toAddress, address)));

/** The attack of the issue: envelope sender the attacker's, header From the contact's, subject the ticket's number. */
const forged = (number: number, messageId: string, extra: Partial<Mail.Options> = {}): Mail.Options => ({
  envelope: { from: ATTACKER, to: support() },
  from: `Sam Standard <${SAM}>`,
  to: support(),
  subject: `Re: [#${number}] Printer offline`,
  messageId,
  text: 'Please reset my password to hunter2 and mail it to me.',
  ...extra,
});

describe('mail matched only by its From', () => {
  it('a forged From (MAIL FROM the attacker, From the contact, "[#N]" subject) is held as an internal note; the client sees and gets nothing', async () => {
    const t = await newTicket();
    await srv.portico.notifier.drain();
    const mailsBefore = (await mailsTo(SAM)).length;
    const messageId = mid();
    expect(await deliver(forged(t.number, messageId))).toMatch(/^250 /);
    await srv.portico.notifier.drain();

    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ internal: true, flags: ['unverified_sender'], source: 'email', body: 'Please reset my password to hunter2 and mail it to me.' });
    expect((await getTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: t.id })).comments).toEqual([]);
    expect((await mailsTo(SAM)).length).toBe(mailsBefore);
    const row = await rowFor(messageId);
    expect(row).toMatchObject({ status: 'processed', matchedBy: 'subject', flags: ['unverified_sender'], clientIp: expect.stringMatching(/127\.0\.0\.1$/), envelopeFrom: ATTACKER });
    expect(row.senderAuth).toMatchObject({ source: 'checked', fromDomain: ACME, spf: { result: 'none', domain: 'evil.example', aligned: false }, dmarc: { result: 'fail', policy: 'reject' }, alignedDomain: null });
  });

  it('the same From with a valid DKIM signature of its domain and a DMARC record posts a public comment by the contact', async () => {
    const t = await newTicket();
    const messageId = mid();
    await deliver({ ...forged(t.number, messageId), text: 'Signed and sealed.', dkim: acmeKey.sign });
    const [c] = await commentsOf(t.id);
    expect(c).toMatchObject({ internal: false, authorName: 'Sam Standard', flags: [], body: 'Signed and sealed.' });
    expect((await rowFor(messageId)).senderAuth).toMatchObject({ dkim: [{ result: 'pass', domain: ACME, aligned: true }], dmarc: { result: 'pass' }, alignedDomain: ACME });
    expect(zone.asked).toContain(`TXT ${acmeKey.name}`);
  });

  it('a valid signature of another domain (the attacker signs their own mail) vouches for nothing', async () => {
    const t = await newTicket();
    await deliver({ ...forged(t.number, mid()), dkim: evilKey.sign });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'] }]);
  });

  it('a signature broken on the way (the body changed after signing) does not count', async () => {
    const t = await newTicket();
    const raw = await signed({ from: SAM, to: support(), subject: `Re: [#${t.number}] x`, messageId: mid(), text: 'Original words.' });
    await deliver({ envelope: { from: SAM, to: support() }, raw: raw.replace('Original words.', 'Other words.') });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'], body: 'Other words.' }]);
  });

  it('our signed Message-ID alone is not enough either (it is quoted in every reply)', async () => {
    const t = await newTicket();
    const inReplyTo = ticketMessageId(srv.portico.base.settings.secretKey, domain(), t.id, 1);
    await deliver({ envelope: { from: ATTACKER, to: support() }, from: SAM, to: support(), subject: 'Re: your ticket', messageId: mid(), inReplyTo, text: 'Forged reply.' });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'] }]);
    await deliver({ envelope: { from: SAM, to: support() }, from: SAM, to: support(), subject: 'Re: your ticket', messageId: mid(), inReplyTo, text: 'Real reply.', dkim: acmeKey.sign });
    expect((await commentsOf(t.id)).map((c) => [c.body, c.internal])).toEqual([
      ['Forged reply.', true],
      ['Real reply.', false],
    ]);
  });

  it.each([
    ['hold', true],
    ['spf', false],
  ] as const)('an SPF pass aligned with the From, domain without DMARC, provider policy "%s": held %s', async (policy, held) => {
    zone.txt(`_dmarc.${ACME}`, null);
    zone.txt(ACME, 'v=spf1 ip4:127.0.0.1 ip6:::1 -all');
    await setPolicy(policy, []);
    const t = await newTicket();
    const messageId = mid();
    await deliver({ envelope: { from: SAM, to: support() }, from: SAM, to: support(), subject: `Re: [#${t.number}] x`, messageId, text: 'From our own server.' });
    expect((await rowFor(messageId)).senderAuth).toMatchObject({ spf: { result: 'pass', domain: ACME, aligned: true }, dmarc: { result: 'none' } });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: held, flags: held ? ['unverified_sender'] : [] }]);
  });

  it('an SPF pass for the attacker\'s own domain is not aligned with the From', async () => {
    zone.txt(`_dmarc.${ACME}`, null);
    zone.txt('evil.example', 'v=spf1 ip4:127.0.0.1 ip6:::1 -all');
    await setPolicy('spf', []);
    const t = await newTicket();
    await deliver(forged(t.number, mid()));
    zone.txt('evil.example', null);
    expect(await commentsOf(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'] }]);
  });

  it('a sender domain the provider trusts without authentication posts (the risk the setting names)', async () => {
    await setPolicy('hold', [ACME]);
    const t = await newTicket();
    await deliver(forged(t.number, mid()));
    expect(await commentsOf(t.id)).toMatchObject([{ internal: false, flags: [] }]);
  });
});

describe('mail to the support address', () => {
  it('from a known contact but not authenticated: no ticket in their name, kept in Unmatched mail with the reason', async () => {
    const before = (await db().select().from(tickets)).length;
    const messageId = mid();
    await deliver({ envelope: { from: ATTACKER, to: support() }, from: SAM, to: support(), subject: 'Urgent: wire transfer', messageId, text: 'Pay this invoice today.' });
    expect((await db().select().from(tickets)).length).toBe(before);
    const row = await rowFor(messageId);
    expect(row).toMatchObject({ status: 'unmatched', ticketId: null, flags: ['unverified_sender'], providerId: expect.any(Number) });
    expect(row.error).toMatch(/^Unverified sender: DMARC fail/);
  });

  it('from a known contact, authenticated: a ticket for their company', async () => {
    const messageId = mid();
    await deliver({ envelope: { from: SAM, to: support() }, from: SAM, to: support(), subject: 'New monitor', messageId, text: 'Mine flickers.', dkim: acmeKey.sign });
    const row = await rowFor(messageId);
    expect(row).toMatchObject({ status: 'processed', matchedBy: 'support_address' });
    expect((await db().select().from(tickets).where(eq(tickets.id, row.ticketId!)))[0]).toMatchObject({ subject: 'New monitor', description: 'Mine flickers.' });
  });
});

describe('replies by token', () => {
  it('from the token holder post without any authentication (the token is the secret); the verdict is still kept', async () => {
    const t = await newTicket();
    const user = (await asDemoUser(srv.portico.base, SAM)).actor as { userId: number };
    const token = await db().transaction(async (tx) => await issueReplyToken(tx, srv.portico.base.clock.now(), { ticketId: t.id, userId: user.userId, email: SAM }));
    const messageId = mid();
    await deliver({ envelope: { from: ATTACKER, to: replyAddress(token, domain()) }, from: SAM, to: replyAddress(token, domain()), subject: 'Re', messageId, text: 'By token.' });
    expect(await commentsOf(t.id)).toMatchObject([{ internal: false, body: 'By token.' }]);
    expect(await rowFor(messageId)).toMatchObject({ matchedBy: 'token', senderAuth: { source: 'checked', dmarc: { result: 'fail' } } });
  });

  it("from someone else on the ticket (a watcher answering the requester's copy): only when authenticated", async () => {
    const t = await newTicket();
    const billing = (await asDemoUser(srv.portico.base, 'billing@acme-dental.test')).actor as { contactId: number };
    await addWatcher(await admin(), { ticketId: t.id, contactId: billing.contactId });
    const user = (await asDemoUser(srv.portico.base, SAM)).actor as { userId: number };
    const address = replyAddress(
      await db().transaction(async (tx) => await issueReplyToken(tx, srv.portico.base.clock.now(), { ticketId: t.id, userId: user.userId, email: SAM })),
      domain(),
    );
    await deliver({ envelope: { from: ATTACKER, to: address }, from: 'billing@acme-dental.test', to: address, subject: 'Re', messageId: mid(), text: 'Forged watcher.' });
    await deliver({ from: 'billing@acme-dental.test', to: address, subject: 'Re', messageId: mid(), text: 'Real watcher.', dkim: acmeKey.sign });
    expect((await commentsOf(t.id)).map((c) => [c.body, c.internal, c.authorName])).toEqual([
      ['Forged watcher.', true, expect.stringContaining('billing@acme-dental.test')],
      ['Real watcher.', false, 'Bailey Billing'],
    ]);
  });
});

describe('staff release a held reply', () => {
  it('makes it the public reply it would have been: live to the contact, mailed to staff, audited; a contact or another provider cannot', async () => {
    const t = await newTicket();
    await deliver(forged(t.number, mid(), { text: 'It was really me, from my phone.' }));
    const [held] = await commentsOf(t.id);
    expect(held).toMatchObject({ internal: true, flags: ['unverified_sender'] });
    await srv.portico.notifier.drain();
    const staffMails = async () => (await db().select().from(outbox)).filter((m) => m.subject.includes(`[#${t.number}]`) && m.toAddress.endsWith('@demo-msp.test'));
    const staffMailsBefore = (await staffMails()).length;

    const contact = createTestClient(srv.origin);
    await contact.client.auth.signInWithPassword.mutate({ email: SAM, password: DEMO_PASSWORD });
    await expect(contact.client.tickets.releaseMailNote.mutate({ commentId: held!.id })).rejects.toThrow();
    const live = contact.live();
    const got = new Promise<{ body: string; internal: boolean; authorName: string }>((resolve) => {
      const sub = live.tickets.onThread.subscribe(
        { ticketId: t.id },
        {
          onData: (e) => {
            const ev = e.data as { kind: string; payload: { comment?: { body: string; internal: boolean; authorName: string } } };
            if (ev.kind !== 'comment.added') return;
            sub.unsubscribe();
            resolve(ev.payload.comment!);
          },
        },
      );
    });
    await new Promise((r) => setTimeout(r, 200));

    // Another provider's staff do not even see it.
    const sys = withActor(srv.portico.base, system);
    const other = await createProvider(sys, { name: 'Other MSP', identifier: `other-${Date.now()}`, currency: 'USD' });
    const olive = await createStaffMember(sys, other.id, { name: 'Olive Other', email: `olive-${Date.now()}@other-msp.test`, role: 'admin' });
    const oliveUser = (await db().select().from(users).where(eq(users.id, olive.userId)))[0]!;
    const asOlive = withActor(srv.portico.base, (await actorForAccount(db(), oliveUser, { kind: 'staff', id: olive.id }))!);
    await expect(releaseMailNote(asOlive, { commentId: held!.id })).rejects.toThrow('Comment not found.');
    expect((await commentsOf(t.id))[0]).toMatchObject({ internal: true });
    // Held, it is an internal note: a client's search does not find the ticket by its words.
    const searchAsSam = async () => (await listTickets(await asDemoUser(srv.portico.base, SAM), { scope: 'company', status: 'all', search: 'really me from my phone' })).items.map((i) => i.id);
    expect(await searchAsSam()).not.toContain(t.id);

    const key = await enrollTotp(srv.portico, 'tech@demo-msp.test');
    const staff = createTestClient(srv.origin);
    const first = await staff.client.auth.signInWithPassword.mutate({ email: 'tech@demo-msp.test', password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(`expected two-factor, got ${first.kind}`);
    await staff.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
    const released = await staff.client.tickets.releaseMailNote.mutate({ commentId: held!.id });
    expect(released).toMatchObject({ id: held!.id, internal: false, authorName: 'Sam Standard', authorSide: 'client' });

    expect(await got).toMatchObject({ body: 'It was really me, from my phone.', internal: false, authorName: 'Sam Standard' });
    expect((await getTicket(await asDemoUser(srv.portico.base, SAM), { ticketId: t.id })).comments.map((c) => c.body)).toEqual(['It was really me, from my phone.']);
    // Released, its words are found by the client's search too.
    expect(await searchAsSam()).toContain(t.id);
    expect((await commentsOf(t.id))[0]).toMatchObject({ internal: false, flags: ['released'] });
    await srv.portico.notifier.drain();
    expect((await staffMails()).length).toBeGreaterThan(staffMailsBefore);
    const audit = (await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.kind, 'mail_reply_released'), eq(auditEvents.email, SAM))));
    expect(audit.at(-1)).toMatchObject({ detail: { ticketId: t.id, commentId: held!.id }, ip: expect.any(String) });
    await expect(staff.client.tickets.releaseMailNote.mutate({ commentId: held!.id })).rejects.toThrow('Only a held reply');

    // The verdict is beside the original for staff.
    const origins = await staff.client.inboundMail.forTicket.query({ ticketId: t.id });
    expect(origins).toEqual([{ commentId: held!.id, inboundMessageId: held!.inboundMessageId, flags: ['released'], senderSummary: expect.stringMatching(/^SPF none \(evil\.example\), DKIM none, DMARC fail \(acme-dental\.test\)/) }]);
    const view = await staff.client.inboundMail.get.query({ inboundMessageId: held!.inboundMessageId! });
    expect(view.sender).toMatchObject({ auth: { dmarc: { result: 'fail' } }, check: { verified: false, reason: expect.stringContaining('DMARC fail') } });
    await staff.close();
    await contact.close();
  });
});

/** A DKIM-signed message as raw text (to change it after signing). */
async function signed(message: Mail.Options): Promise<string> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf', dkim: acmeKey.sign });
  return ((await t.sendMail(message)).message as Buffer).toString();
}

/** A server of its own (settings differ), with its own sending helpers. */
async function otherServer(extra: Record<string, string>) {
  const s = await startTestServer({ MAIL_RATE_PER_SENDER: '1000', ...extra });
  const send = async (message: Mail.Options) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.portico.smtpPort, secure: false, ignoreTLS: true });
    try {
      await t.sendMail(message);
    } finally {
      t.close();
      await s.portico.intake.idle();
    }
  };
  const to = `support@${s.portico.base.settings.MAIL_DOMAIN}`;
  const ticket = async () => await createTicket(await asDemoUser(s.portico.base, SAM), { subject: 'VPN down', description: 'Since noon.' });
  const comments = async (ticketId: number) => (await s.portico.base.db.select().from(ticketComments).where(eq(ticketComments.ticketId, ticketId)));
  const row = async (messageId: string) => (await s.portico.base.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, messageId)))[0]!;
  return { s, send, to, ticket, comments, row };
}

describe('without DNS (MAIL_DNS=off, as on a laptop demo)', () => {
  it('holds mail matched only by its From, even a validly signed one, and still posts replies by token', async () => {
    const o = await otherServer({});
    try {
      expect(o.s.portico.base.settings.MAIL_DNS).toBe('off');
      const t = await o.ticket();
      const messageId = mid();
      await o.send({ envelope: { from: SAM, to: o.to }, from: SAM, to: o.to, subject: `Re: [#${t.number}] VPN`, messageId, text: 'Signed, but nobody can look up the key.', dkim: acmeKey.sign });
      expect(await o.comments(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'] }]);
      expect((await o.row(messageId)).senderAuth).toMatchObject({ source: 'unchecked', error: expect.stringContaining('MAIL_DNS=off') });

      const user = (await asDemoUser(o.s.portico.base, SAM)).actor as { userId: number };
      const token = await o.s.portico.base.db.transaction(async (tx) => await issueReplyToken(tx, o.s.portico.base.clock.now(), { ticketId: t.id, userId: user.userId, email: SAM }));
      const address = replyAddress(token, o.s.portico.base.settings.MAIL_DOMAIN);
      await o.send({ from: SAM, to: address, subject: 'Re', messageId: mid(), text: 'By token, no DNS needed.' });
      expect((await o.comments(t.id)).map((c) => [c.body, c.internal])).toEqual([
        ['Signed, but nobody can look up the key.', true],
        ['By token, no DNS needed.', false],
      ]);
    } finally {
      await o.s.stop();
    }
  });
});

describe('behind a trusted relay (MAIL_TRUSTED_RELAYS)', () => {
  const RELAY = 'mx.relay.test';
  const pass = `${RELAY}; spf=pass smtp.mailfrom=${SAM}; dkim=pass (2048-bit key) header.d=${ACME} header.s=s1; dmarc=pass (p=reject) header.from=${ACME}`;

  it("reads the relay's topmost Authentication-Results (its authserv-id) and ignores any other", async () => {
    const o = await otherServer({ MAIL_TRUSTED_RELAYS: '127.0.0.1,::1', MAIL_TRUSTED_AUTHSERV_ID: RELAY });
    try {
      const t = await o.ticket();
      const trusted = mid();
      await o.send({ envelope: { from: SAM, to: o.to }, from: SAM, to: o.to, subject: `Re: [#${t.number}] VPN`, messageId: trusted, text: 'Checked by the relay.', headers: { 'Authentication-Results': pass } });
      expect((await o.row(trusted)).senderAuth).toMatchObject({ source: 'relay', by: RELAY, dmarc: { result: 'pass' }, dkim: [{ result: 'pass', domain: ACME, aligned: true }] });

      // The attacker's own header (another authserv-id) on top: the relay added none, nothing counts.
      const other = mid();
      await o.send({ envelope: { from: ATTACKER, to: o.to }, from: SAM, to: o.to, subject: `Re: [#${t.number}] VPN`, messageId: other, text: 'Forged result.', headers: { 'Authentication-Results': pass.replace(RELAY, 'mx.evil.example') } });
      // The relay's real verdict on top (fail), a forged pass with its name lower down, below another host's.
      const below = mid();
      await o.send({
        envelope: { from: ATTACKER, to: o.to },
        from: SAM,
        to: o.to,
        subject: `Re: [#${t.number}] VPN`,
        messageId: below,
        text: 'Forged lower down.',
        headers: [
          { key: 'Authentication-Results', value: `${RELAY}; spf=none smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=${ACME}` },
          { key: 'Authentication-Results', value: 'mx.evil.example; dmarc=pass header.from=acme-dental.test' },
          { key: 'Authentication-Results', value: pass },
        ],
      });
      // The relay judged another From than the portal reads: its results do not count for this one.
      const elsewhere = mid();
      await o.send({
        envelope: { from: ATTACKER, to: o.to },
        from: SAM,
        to: o.to,
        subject: `Re: [#${t.number}] VPN`,
        messageId: elsewhere,
        text: 'Another From.',
        headers: { 'Authentication-Results': `${RELAY}; dkim=pass header.d=${ACME}; dmarc=pass header.from=evil.example` },
      });
      expect((await o.comments(t.id)).map((c) => [c.body, c.internal])).toEqual([
        ['Checked by the relay.', false],
        ['Forged result.', true],
        ['Forged lower down.', true],
        ['Another From.', true],
      ]);
      expect((await o.row(elsewhere)).senderAuth).toMatchObject({ fromDomain: null, error: expect.stringContaining('about evil.example') });
      expect((await o.row(other)).senderAuth).toMatchObject({ source: 'relay', error: expect.stringContaining('no Authentication-Results') });
      expect((await o.row(below)).senderAuth).toMatchObject({ dmarc: { result: 'fail' } });
    } finally {
      await o.s.stop();
    }
  });

  it('from any other address the header is ignored and the portal checks for itself', async () => {
    const o = await otherServer({ MAIL_TRUSTED_RELAYS: '192.0.2.25', MAIL_TRUSTED_AUTHSERV_ID: RELAY });
    try {
      const t = await o.ticket();
      const messageId = mid();
      await o.send({ envelope: { from: SAM, to: o.to }, from: SAM, to: o.to, subject: `Re: [#${t.number}] VPN`, messageId, text: 'Claims the relay checked.', headers: { 'Authentication-Results': pass } });
      expect(await o.comments(t.id)).toMatchObject([{ internal: true, flags: ['unverified_sender'] }]);
      expect((await o.row(messageId)).senderAuth).toMatchObject({ source: 'unchecked' });
    } finally {
      await o.s.stop();
    }
  });
});

describe('the demo data', () => {
  it('holds its forged reply on Sam Standard\'s first ticket once intake runs, without DNS', async () => {
    const { settings, dir } = await testSettings();
    const db2 = await openDatabase(settings);
    try {
      await migrateDatabase(db2);
      const base = createServiceContext({ db: db2, settings, log: createLogger('silent') });
      await seedDemo(base);
      await seedHeldMail(base);
      const intake = await startMailIntake(base);
      await intake.idle();
      await intake.stop();
      const held = (await db2.select().from(ticketComments)).filter((c) => c.flags.includes('unverified_sender'));
      expect(held).toHaveLength(1);
      const ticket = (await db2.select().from(tickets).where(eq(tickets.id, held[0]!.ticketId)))[0]!;
      expect(ticket.number).toBe(1001);
      expect(held[0]).toMatchObject({ internal: true, authorName: `Sam Standard <${SAM}>` });
      expect((await db2.select().from(inboundMessages))[0]).toMatchObject({ envelopeFrom: ATTACKER, clientIp: '203.0.113.66', senderAuth: { source: 'unchecked' } });
    } finally {
      await closeDatabase(db2);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
