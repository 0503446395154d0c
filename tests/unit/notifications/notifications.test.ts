import { emailBounces } from '../../../db/schema/inbound-mail';
import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { closeDatabase, openDatabase } from '../../../db/client';
import { seedDemo } from '../../../server/seed/demo-people';
import { events } from '../../../db/schema/events';
import { replyTokens, workerCursors } from '../../../db/schema/notifications';
import { outbox, type TOutboxRow } from '../../../db/schema/outbox';
import { contacts, users } from '../../../db/schema/people';
import { tickets, type TTicket, type TTicketStatus } from '../../../db/schema/tickets';
import { createUserSession } from '../../../server/auth/session';
import { anonymous } from '../../../server/core/actor';
import { AppError } from '../../../server/core/app-error';
import { withActor } from '../../../server/core/context';
import { createServiceContext } from '../../../server/core/create-service-context';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { REPLY_ABOVE_LINE } from '../../../server/notifications/compose-ticket-email';
import { verifyTicketMessageId } from '../../../server/notifications/message-id';
import { listNotificationSettings, setNotificationSetting } from '../../../server/notifications/notification-settings';
import { resolveReplyToken, replyTokenFromAddress } from '../../../server/notifications/reply-tokens';
import { startTicketNotifier, TICKET_NOTIFIER, type TTicketNotifier } from '../../../server/notifications/ticket-notifier';
import { createContact } from '../../../server/people/create-contact';
import { addReply } from '../../../server/tickets/add-reply';
import { closeTicket } from '../../../server/tickets/contact-actions';
import { createTicket } from '../../../server/tickets/create-ticket';
import type { TTicketEvent, TTicketSummary } from '../../../server/tickets/events';
import { companyTicketsTopic, staffFeedTopic, ticketTopic } from '../../../server/tickets/topics';
import { updateTicket } from '../../../server/tickets/update-ticket';
import { addWatcher } from '../../../server/tickets/watchers';
import { appRouter } from '../../../server/trpc/router';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { failInserts, faultMessages, restoreInserts } from '../../helpers/fault-injection';

const STANDARD = 'standard@acme-dental.test';
const PRIMARY = 'primary@acme-dental.test';
const ADMIN = 'admin@demo-msp.test';
const TECH = 'tech@demo-msp.test';

let f: Awaited<ReturnType<typeof freshContext>>;
let notifier: TTicketNotifier;
/** The last mail the test has looked at (an outbox id): `drained` returns what came after it. */
let seen = 0;
beforeEach(async () => {
  seen = 0;
  f = await freshContext();
  await seedDemo(f.ctx);
  // A long poll: tests drain explicitly, except the one about waking on the bus.
  notifier = await startTicketNotifier(f.ctx, { pollMs: 60_000 });
});
afterEach(async () => {
  await notifier.stop();
  await f.cleanup();
});

const as = async (email: string) => await asDemoUser(f.ctx, email);
const userId = async (email: string) => (await f.ctx.db.select().from(users).where(eq(users.email, email)))[0]!.id;
const mails = async (): Promise<TOutboxRow[]> => {
  const rows = await f.ctx.db.select().from(outbox).orderBy(asc(outbox.id));
  seen = rows.at(-1)?.id ?? 0;
  return rows;
};
/** Recipient → subjects, for the mail queued since `from`. */
const byRecipient = (rows: TOutboxRow[]) => {
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.toAddress] ??= []).push(r.subject);
  return out;
};
/**
 * The mail queued since the test last looked, once the log is drained: by the drain, or by
 * a wake-up on the bus that came first (a write wakes the notifier 20 ms later).
 */
const drained = async () => {
  const before = seen;
  await notifier.drain();
  return (await mails()).filter((m) => m.id > before);
};
const raise = async (email = STANDARD, subject = 'Printer jammed', description = 'Paper everywhere.') =>
  await createTicket(await as(email), { subject, description });
const contactId = async (email: string) => (await f.ctx.db.select().from(contacts).where(eq(contacts.email, email)))[0]!.id;
const staffId = async (email: string) => ((await as(email)).actor as { staffId: number }).staffId;
const watch = async (ticket: TTicket, email: string) => await addWatcher(await as(ADMIN), { ticketId: ticket.id, contactId: await contactId(email) });
const changeStatus = async (t: TTicket, status: TTicketStatus) => await updateTicket(await as(TECH), { ticketId: t.id, status });

/* Events no service can produce (a forged payload, an assigned new ticket) are written
 * through unitOfWork exactly as a service would, in the contract's shape (server/tickets/events.ts). */
const emitEvent = async (topic: string, e: TTicketEvent) => await unitOfWork(f.ctx, (_tx, emit) => emit(topic, e.kind, e.payload));
const summaryOf = (t: TTicket): TTicketSummary => ({
  ticketId: t.id,
  number: t.number,
  subject: t.subject,
  status: t.status,
  priority: t.priority,
  category: t.category,
  companyId: t.companyId,
  companyName: 'Acme Dental',
  requesterContactId: t.requesterContactId,
  requesterName: null,
  watcherContactIds: [],
  assigneeStaffId: t.assigneeStaffId,
  assigneeName: null,
  source: t.source,
  createdAt: t.createdAt.getTime(),
  updatedAt: t.updatedAt.getTime(),
  firstResponseDueAt: null,
  resolutionDueAt: null,
  firstRespondedAt: null,
  closedAt: null,
  lastReplyBy: null,
});

describe('ticket notifications: who gets what', () => {
  it('a new ticket goes to all active staff when unassigned, and a receipt to the requester', async () => {
    const t = await raise();
    const got = byRecipient(await drained());
    expect(got).toEqual({
      [ADMIN]: [`New ticket [#${t.number}] Printer jammed`],
      [TECH]: [`New ticket [#${t.number}] Printer jammed`],
      [STANDARD]: [`We received your ticket [#${t.number}] Printer jammed`],
    });
  });

  it('a ticket staff raise for a client sends only the receipt: staff are not told of their own ticket', async () => {
    const company = ((await as(STANDARD)).actor as { companyId: number }).companyId;
    const t = await createTicket(await as(TECH), { companyId: company, requesterContactId: await contactId(STANDARD), subject: 'Scheduled maintenance', description: 'Saturday.' });
    expect(byRecipient(await drained())).toEqual({ [STANDARD]: [`We received your ticket [#${t.number}] Scheduled maintenance`] });
  });

  it('a new ticket with an assignee goes to the assignee only (contract payload, once per event)', async () => {
    const t = await raise();
    await drained();
    (await f.ctx.db.update(tickets).set({ assigneeStaffId: await staffId(TECH) }).where(eq(tickets.id, t.id)));
    const ticket = { ...t, assigneeStaffId: await staffId(TECH) };
    // The same event on the company topic must not send a second copy.
    await emitEvent(companyTicketsTopic(t.companyId), { kind: 'ticket.created', payload: { ticket: summaryOf(ticket) } });
    await emitEvent(staffFeedTopic(t.providerId), { kind: 'ticket.created', payload: { ticket: summaryOf(ticket) } });
    expect(Object.keys(byRecipient(await drained())).sort()).toEqual([STANDARD, TECH]);
  });

  it('a staff reply goes to the requester and watchers, never to staff or the author', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    // The admin also follows the ticket as a contact of the client: same person, one login.
    const adminContact = await createContact(await as(ADMIN), { companyId: t.companyId, name: 'Alex Admin', email: ADMIN, types: ['standard'] });
    await addWatcher(await as(ADMIN), { ticketId: t.id, contactId: adminContact.id });
    await drained();

    await addReply(await as(TECH), { ticketId: t.id, body: 'Restarted the spooler.' });
    const techReply = await drained();
    expect(byRecipient(techReply)).toEqual({
      [STANDARD]: [`Re: [#${t.number}] Printer jammed`],
      [PRIMARY]: [`Re: [#${t.number}] Printer jammed`],
      [ADMIN]: [`Re: [#${t.number}] Printer jammed`],
    });
    expect(techReply[0]!.textBody).toContain('Restarted the spooler.');

    await addReply(await as(ADMIN), { ticketId: t.id, body: 'Should be fine now.' });
    expect(Object.keys(byRecipient(await drained())).sort()).toEqual([PRIMARY, STANDARD]);
  });

  it('a client reply goes to staff (the assignee, or everyone), never to the author or other clients', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    await drained();
    await addReply(await as(STANDARD), { ticketId: t.id, body: 'Still jammed.' });
    expect(byRecipient(await drained())).toEqual({ [ADMIN]: [`Re: [#${t.number}] Printer jammed`], [TECH]: [`Re: [#${t.number}] Printer jammed`] });

    await updateTicket(await as(ADMIN), { ticketId: t.id, assigneeStaffId: await staffId(TECH) });
    expect(await drained()).toEqual([]); // an assignment is not a status change: nobody is mailed
    await addReply(await as(PRIMARY), { ticketId: t.id, body: 'Any news?' });
    expect(Object.keys(byRecipient(await drained()))).toEqual([TECH]);
  });

  it('internal notes never reach a client, even if an event claims the note is public', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    await drained();
    const note = await addReply(await as(TECH), { ticketId: t.id, body: 'SECRET-NOTE: client owes us money', internal: true });
    expect(await drained()).toEqual([]);
    await emitEvent(ticketTopic(t.id), {
      kind: 'comment.added',
      payload: {
        ticketId: t.id,
        comment: { id: note.id, ticketId: t.id, authorName: 'Taylor Tech', authorSide: 'staff', body: 'x', internal: false, source: 'staff', createdAt: 0, attachments: [] },
      },
    });
    expect(await drained()).toEqual([]);
    expect((await mails()).some((m) => m.textBody.includes('SECRET-NOTE') || (m.htmlBody ?? '').includes('SECRET-NOTE'))).toBe(false);
  });

  it('status changes go to the requester and watchers; closing uses the closed wording', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    await drained();
    await changeStatus(t, 'in_progress');
    const progress = await drained();
    expect(byRecipient(progress)).toEqual({
      [STANDARD]: [`Status changed [#${t.number}] Printer jammed`],
      [PRIMARY]: [`Status changed [#${t.number}] Printer jammed`],
    });
    expect(progress[0]!.textBody).toContain('Taylor Tech changed the status of your ticket to In Progress.');
    await changeStatus(t, 'closed');
    expect(byRecipient(await drained())).toEqual({ [STANDARD]: [`Closed [#${t.number}] Printer jammed`], [PRIMARY]: [`Closed [#${t.number}] Printer jammed`] });
    // A change without a status (priority, assignee) mails nobody.
    await updateTicket(await as(TECH), { ticketId: t.id, priority: 'high', assigneeStaffId: await staffId(TECH) });
    expect(await drained()).toEqual([]);
  });

  it('a contact who closes their own ticket is not mailed about it; the watchers are', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    await drained();
    await closeTicket(await as(STANDARD), { ticketId: t.id });
    expect(byRecipient(await drained())).toEqual({ [PRIMARY]: [`Closed [#${t.number}] Printer jammed`] });
  });

  it('skips an address that keeps bouncing', async () => {
    const t = await raise();
    await watch(t, PRIMARY);
    await drained();
    (await f.ctx.db.insert(emailBounces).values({ email: PRIMARY, count: 3, lastBounceAt: new Date() }));
    await changeStatus(t, 'in_progress');
    expect(Object.keys(byRecipient(await drained()))).toEqual([STANDARD]);
    (await f.ctx.db.delete(emailBounces).where(eq(emailBounces.email, PRIMARY)));
  });

  it('honours each person\'s opt-outs, and turning one back on resumes it', async () => {
    await setNotificationSetting(await as(STANDARD), { kind: 'ticket_reply', enabled: false });
    await setNotificationSetting(await as(TECH), { kind: 'ticket_created', enabled: false });
    await setNotificationSetting(await as(PRIMARY), { kind: 'ticket_closed', enabled: false });
    const t = await raise();
    await watch(t, PRIMARY);
    expect(Object.keys(byRecipient(await drained())).sort()).toEqual([ADMIN, STANDARD]);
    await addReply(await as(TECH), { ticketId: t.id, body: 'On it.' });
    expect(Object.keys(byRecipient(await drained()))).toEqual([PRIMARY]);
    await changeStatus(t, 'closed');
    expect(Object.keys(byRecipient(await drained()))).toEqual([STANDARD]);
    await setNotificationSetting(await as(STANDARD), { kind: 'ticket_reply', enabled: true });
    await addReply(await as(TECH), { ticketId: t.id, body: 'Reopened.' });
    expect(Object.keys(byRecipient(await drained())).sort()).toEqual([PRIMARY, STANDARD]);
  });
});

describe('ticket notifications: the message', () => {
  it('has the provider as sender, threading headers, auto-reply suppression and the reply marker first', async () => {
    const t = await raise();
    const [mail] = (await drained()).filter((m) => m.toAddress === STANDARD);
    const domain = f.ctx.settings.MAIL_DOMAIN;
    expect(mail!.fromAddress).toBe(`"Demo MSP" <support@${domain}>`);
    expect(mail!.textBody.split('\n')[0]).toBe(REPLY_ABOVE_LINE);
    expect(mail!.textBody).toContain(`${f.ctx.settings.publicUrl}/tickets/${t.id}`);
    expect(mail!.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' });
    expect(mail!.headers['Reply-To']).toMatch(new RegExp(`^reply\\+[a-z2-7]{32}@${domain.replace(/\./g, '\\.')}$`));
    expect(mail!.headers['Message-ID']).toMatch(new RegExp(`^<ticket-${t.id}\\.\\d+\\.[A-Za-z0-9_-]{22}@${domain.replace(/\./g, '\\.')}>$`));
    expect(mail!.headers['In-Reply-To']).toMatch(new RegExp(`^<ticket-${t.id}\\.0\\.`));
    expect(mail!.headers.References).toBe(mail!.headers['In-Reply-To']);
  });

  it('reply tokens are stored only hashed, resolve to ticket and recipient, and fail when altered or expired', async () => {
    const t = await raise();
    const sent = await drained();
    const domain = f.ctx.settings.MAIL_DOMAIN;
    const tokens = sent.map((m) => replyTokenFromAddress(m.headers['Reply-To']!, domain)!);
    expect(new Set(tokens).size).toBe(sent.length); // one per recipient
    const token = tokens[sent.findIndex((m) => m.toAddress === STANDARD)]!;

    const stored = JSON.stringify((await f.ctx.db.select().from(replyTokens)));
    expect(stored).not.toContain(token);
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));

    expect(await resolveReplyToken(f.ctx, token)).toEqual({ ticketId: t.id, userId: await userId(STANDARD), email: STANDARD });
    expect(await resolveReplyToken(f.ctx, token.toUpperCase())).toEqual({ ticketId: t.id, userId: await userId(STANDARD), email: STANDARD });
    const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    expect(await resolveReplyToken(f.ctx, tampered)).toBeNull();
    expect(await resolveReplyToken(f.ctx, '')).toBeNull();
    expect(await resolveReplyToken(f.ctx, "' or 1=1 --")).toBeNull();
    f.clock.advance(89 * 86_400_000);
    expect(await resolveReplyToken(f.ctx, token)).not.toBeNull();
    f.clock.advance(2 * 86_400_000);
    expect(await resolveReplyToken(f.ctx, token)).toBeNull();
  });

  it('Message-IDs verify to their ticket; forged or altered ones do not', async () => {
    const t = await raise();
    const other = await raise(PRIMARY, 'Other');
    const [mail] = await drained();
    const secret = f.ctx.settings.secretKey;
    const id = mail!.headers['Message-ID']!;
    expect(verifyTicketMessageId(secret, id)).toBe(t.id);
    expect(verifyTicketMessageId(secret, id.slice(1, -1))).toBe(t.id);
    expect(verifyTicketMessageId(secret, mail!.headers['In-Reply-To']!)).toBe(t.id);
    const [, eventId, hmac] = /^<ticket-\d+\.(\d+)\.([^@]+)@/.exec(id)!;
    expect(verifyTicketMessageId(secret, `<ticket-${other.id}.${eventId}.${hmac}@x.test>`)).toBeNull();
    expect(verifyTicketMessageId(secret, `<ticket-${t.id}.${Number(eventId) + 1}.${hmac}@x.test>`)).toBeNull();
    expect(verifyTicketMessageId(secret, id.replace(hmac!, hmac!.slice(0, -1) + (hmac!.endsWith('A') ? 'B' : 'A')))).toBeNull();
    expect(verifyTicketMessageId('another-secret-of-at-least-32-chars!', id)).toBeNull();
    expect(verifyTicketMessageId(secret, '<CAF=abc@mail.gmail.com>')).toBeNull();
  });

  it('escapes user content in the HTML part and keeps header values on one line', async () => {
    const t = await raise(STANDARD, '<script>alert(1)</script>\r\nBcc: all@evil.test', '<img src=x onerror=alert(1)> & "quotes"');
    const sent = await drained();
    expect(sent.length).toBe(3);
    for (const m of sent) {
      expect(m.htmlBody).not.toMatch(/<script|<img/i);
      expect(m.htmlBody).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(m.subject).toContain(`[#${t.number}] <script>alert(1)</script>`);
      expect(m.subject).not.toMatch(/[\r\n]/);
    }
    expect(sent[0]!.htmlBody).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
  });
});

describe('ticket notifier: durability', () => {
  it('a second run sends nothing, and a restart on the same database resumes where it stopped', async () => {
    const t = await raise();
    expect((await drained()).length).toBe(3);
    expect(await drained()).toEqual([]);
    await notifier.stop();

    await addReply(await as(TECH), { ticketId: t.id, body: 'Written while the notifier was down.' });
    // A new process: its own connection to the same file, a new notifier.
    const db = await openDatabase(f.ctx.settings);
    try {
      const ctx2 = createServiceContext({ db, settings: f.ctx.settings, clock: f.clock, log: f.ctx.log });
      const restarted = await startTicketNotifier(ctx2, { pollMs: 60_000 });
      expect(await restarted.drain()).toBe(1);
      expect(await restarted.drain()).toBe(0);
      await restarted.stop();
    } finally {
      await closeDatabase(db);
    }
    expect((await mails()).map((m) => m.toAddress)).toEqual([ADMIN, TECH, STANDARD, STANDARD]);
    notifier = await startTicketNotifier(f.ctx, { pollMs: 60_000 });
    expect(await drained()).toEqual([]);
  });

  it('a failed batch leaves no mail, no token and no cursor move, and succeeds once retried', async () => {
    const cursor = async () => (await f.ctx.db.select().from(workerCursors).where(eq(workerCursors.name, TICKET_NOTIFIER)))[0]!.lastEventId;
    const before = await cursor();
    // The fault first: the ticket's event wakes the notifier, and its batch must fail too.
    await failInserts(f.ctx.db, 'outbox', 'disk full');
    await raise();
    expect(faultMessages(await notifier.drain().then(() => null, (err: unknown) => err))).toMatch(/disk full/);
    expect(await cursor()).toBe(before);
    expect(await mails()).toEqual([]);
    expect((await f.ctx.db.select().from(replyTokens))).toEqual([]);
    await restoreInserts(f.ctx.db, 'outbox');
    expect((await drained()).length).toBe(3);
    expect(await cursor()).toBeGreaterThan(before);
  });

  it('starts at the end of the log on its first run (the seed is not mailed), and wakes on the bus', async () => {
    expect((await f.ctx.db.select().from(events)).length).toBeGreaterThan(0);
    expect(await mails()).toEqual([]);
    await raise(); // no drain: the staff-feed event wakes the notifier
    const deadline = Date.now() + 2000;
    while ((await mails()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await mails()).length).toBe(3);
  });
});

describe('notification settings', () => {
  it('lists the kinds that apply to contacts and to staff, all on by default', async () => {
    expect(await listNotificationSettings(await as(STANDARD))).toEqual([
      { kind: 'ticket_reply', label: 'A technician replies to my ticket', enabled: true },
      { kind: 'ticket_status', label: "My ticket's status changes", enabled: true },
      { kind: 'ticket_closed', label: 'My ticket is closed', enabled: true },
    ]);
    await setNotificationSetting(await as(TECH), { kind: 'client_reply', enabled: false });
    expect(await listNotificationSettings(await as(TECH))).toEqual([
      { kind: 'ticket_created', label: 'A client raises a ticket', enabled: true },
      { kind: 'client_reply', label: 'A client replies', enabled: false },
    ]);
    expect((await listNotificationSettings(await as(ADMIN))).every((s) => s.enabled)).toBe(true);
  });

  it('refuses bad input with clear messages', async () => {
    const ctx = await as(STANDARD);
    const message = async (input: unknown) => {
      try {
        await setNotificationSetting(ctx, input);
      } catch (err) {
        return err instanceof ZodError ? err.issues[0]!.message : err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(await message({ kind: 'everything', enabled: false })).toBe('Choose which email notification to change.');
    expect(await message({ kind: 'ticket_reply', enabled: 'no' })).toBe('Say whether this email notification is on or off.');
    expect(await message({ kind: 'client_reply', enabled: false })).toBe('BAD_INPUT: That email notification is not available for your account.');
    expect(await message({ kind: 'ticket_reply', enabled: false })).toBe('accepted');
    await expect(listNotificationSettings(withActor(f.ctx, anonymous))).rejects.toThrow('Please sign in.');
  });

  it('the tRPC procedures answer bad input with BAD_REQUEST and the same words', async () => {
    const contact = (await as(STANDARD)).actor as { userId: number; contactId: number };
    const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '127.0.0.1' };
    const { sessionId } = await createUserSession(f.ctx, contact.userId, meta, { kind: 'contact', id: contact.contactId });
    const caller = appRouter.createCaller({
      base: f.ctx,
      sessionId,
      ip: '127.0.0.1',
      userAgent: 'Test',
      deviceToken: null,
      transport: 'http',
      setCookie: () => {},
      closeConnection: () => {},
    });
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: TRPCError) => `${e.code}: ${e.message}`);
    expect(await refusal(caller.notifications.setSetting({ kind: 'nope', enabled: true } as never))).toBe('BAD_REQUEST: Choose which email notification to change.');
    expect(await refusal(caller.notifications.setSetting('off' as never))).toMatch(/^BAD_REQUEST: .{4,}/);
    expect(await refusal(caller.notifications.setSetting({ kind: 'ticket_created', enabled: false }))).toBe(
      'BAD_REQUEST: That email notification is not available for your account.',
    );
    const after = await caller.notifications.setSetting({ kind: 'ticket_status', enabled: false });
    expect(after.find((s) => s.kind === 'ticket_status')?.enabled).toBe(false);
    const anonymousCaller = appRouter.createCaller({ ...{ base: f.ctx, ip: '', userAgent: '', deviceToken: null, transport: 'http' as const, setCookie: () => {}, closeConnection: () => {} }, sessionId: null });
    expect(await refusal(anonymousCaller.notifications.settings())).toBe('UNAUTHORIZED: Please sign in.');
  });
});
