import { eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { attachments } from '../../../db/schema/attachments';
import { events } from '../../../db/schema/events';
import { contacts, providers, staffMembers, users } from '../../../db/schema/people';
import { tickets } from '../../../db/schema/tickets';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { addReply } from '../../../server/tickets/add-reply';
import { addCategory, listCategories, renameCategory, setCategoryActive } from '../../../server/tickets/categories';
import { closeTicket, rateTicket, requestReopen } from '../../../server/tickets/contact-actions';
import { createTicket } from '../../../server/tickets/create-ticket';
import type { TTicketEvent } from '../../../server/tickets/events';
import { getTicket } from '../../../server/tickets/get-ticket';
import { logTime } from '../../../server/tickets/log-time';
import { listSlaPolicies, updateSlaPolicy } from '../../../server/tickets/sla-policies';
import { loadTicketSummary } from '../../../server/tickets/ticket-summary';
import { updateTicket } from '../../../server/tickets/update-ticket';
import { addWatcher } from '../../../server/tickets/watchers';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const as = async (email: string) => await asDemoUser(base, email);
const MIN = 60_000;
const contactId = async (email: string) => (await base.db.select().from(contacts).where(eq(contacts.email, email)))[0]!.id;
const staffId = async (email: string) => {
  const user = (await base.db.select().from(users).where(eq(users.email, email)))[0]!;
  return (await base.db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)))[0]!.id;
};
const row = async (id: number) => (await base.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
/** The events a call wrote, as "topic kind" lines. */
async function eventsOf(work: () => Promise<unknown>) {
  const before = (await base.db.select().from(events)).at(-1)?.id ?? 0;
  await work();
  return (await base.db.select().from(events).where(gt(events.id, before)));
}
const lines = (rows: { topic: string; kind: string }[]) => rows.map((e) => `${e.topic} ${e.kind}`).sort();

describe('raising a ticket', () => {
  it('numbers it per provider, computes SLA due times from the policy, and announces the summary', async () => {
    const at = clock.now().getTime();
    const ctx = await as('standard@acme-dental.test');
    let id = 0;
    const written = await eventsOf(async () => {
      id = (await createTicket(ctx, { subject: 'Monitor flickers', description: 'Since Monday.', priority: 'high', category: 'hardware' })).id;
    });
    const t = await row(id);
    expect(t.number).toBeGreaterThan(1000);
    expect(t.category).toBe('Hardware'); // stored with the list's own spelling
    expect(t.source).toBe('portal');
    expect(t.firstResponseDueAt!.getTime()).toBe(at + 30 * MIN);
    expect(t.resolutionDueAt!.getTime()).toBe(at + 4 * 60 * MIN);
    expect(lines(written)).toEqual([`company-tickets:${t.companyId} ticket.created`, `staff-feed:${t.providerId} ticket.created`].sort());
    const payload = written[0]!.payload as Extract<TTicketEvent, { kind: 'ticket.created' }>['payload'];
    expect(payload.ticket).toEqual(await loadTicketSummary(base.db, id));
    expect(payload.ticket).toMatchObject({ requesterContactId: await contactId('standard@acme-dental.test'), firstRespondedAt: null, lastReplyBy: null });
  });

  it('lets staff raise one for a company and contact (source staff), and mail intake pass source email', async () => {
    const acme = ((await as('primary@acme-dental.test')).actor as { companyId: number }).companyId;
    const t = await createTicket(await as('tech@demo-msp.test'), { subject: 'Backup check', description: 'Monthly.', companyId: acme, requesterContactId: await contactId('technical@acme-dental.test') });
    expect(t).toMatchObject({ source: 'staff', companyId: acme, requesterContactId: await contactId('technical@acme-dental.test') });
    expect((await createTicket(await as('primary@acme-dental.test'), { subject: 'By mail', description: 'Body.' }, 'email')).source).toBe('email');
    await expect(createTicket(await as('tech@demo-msp.test'), { subject: 'x', description: 'y' })).rejects.toThrow('Choose the company this ticket is for.');
    await expect(createTicket(await as('tech@demo-msp.test'), { subject: 'x', description: 'y', companyId: acme, requesterContactId: await contactId('primary@northwind.test') })).rejects.toThrow(
      'That contact is not in this company.',
    );
    await expect(createTicket(await as('primary@acme-dental.test'), { subject: 'x', description: 'y', category: 'Plumbing' })).rejects.toThrow('Choose a category from the list.');
  });

  it('claims attachments for the description and replies, and refuses someone else’s upload', async () => {
    const ctx = await as('primary@acme-dental.test');
    const upload = async (userId: number, filename: string) =>
      (await base.db
        .insert(attachments)
        .values({ providerId: 1, sha256: 'a'.repeat(64), size: 1234, mimeType: 'image/png', filename, uploaderUserId: userId, createdAt: clock.now() })
        .returning())[0]!.id;
    const mine = (ctx.actor as { userId: number }).userId;
    const t = await createTicket(ctx, { subject: 'Screenshot', description: 'See attached.', attachmentIds: [await upload(mine, 'error.png')] });
    await addReply(ctx, { ticketId: t.id, body: 'And the log.', attachmentIds: [await upload(mine, 'log.png')] });
    const view = await getTicket(ctx, { ticketId: t.id });
    expect(view.ticket.descriptionAttachments.map((a) => a.filename)).toEqual(['error.png']);
    expect(view.comments.at(-1)!.attachments).toEqual([expect.objectContaining({ filename: 'log.png', size: 1234, mimeType: 'image/png' })]);
    const other = ((await as('technical@acme-dental.test')).actor as { userId: number }).userId;
    await expect(addReply(ctx, { ticketId: t.id, body: 'Not mine.', attachmentIds: [await upload(other, 'x.png')] })).rejects.toThrow('An attachment was not found');
    expect((await getTicket(ctx, { ticketId: t.id })).comments.some((c) => c.body === 'Not mine.')).toBe(false); // rolled back
  });
});

describe('replies and SLA', () => {
  it('sets firstRespondedAt at the first public staff reply only', async () => {
    const ctx = await as('standard@acme-dental.test');
    const tech = await as('tech@demo-msp.test');
    const t = await createTicket(ctx, { subject: 'Keyboard', description: 'Sticky keys.' });
    clock.advance(5 * MIN);
    await addReply(ctx, { ticketId: t.id, body: 'Also the mouse.' });
    await addReply(tech, { ticketId: t.id, body: 'Checking the asset list.', internal: true });
    expect((await row(t.id)).firstRespondedAt).toBeNull();
    expect((await loadTicketSummary(base.db, t.id)).lastReplyBy).toBe('client');
    clock.advance(5 * MIN);
    const at = clock.now().getTime();
    await addReply(tech, { ticketId: t.id, body: 'Replacing both today.' });
    clock.advance(5 * MIN);
    await addReply(tech, { ticketId: t.id, body: 'Done.' });
    expect((await row(t.id)).firstRespondedAt!.getTime()).toBe(at);
    expect(await loadTicketSummary(base.db, t.id)).toMatchObject({ firstRespondedAt: at, lastReplyBy: 'staff' });
  });

  it('emits the public reply on the thread and both lists, the internal note on staff topics only', async () => {
    const t = await createTicket(await as('standard@acme-dental.test'), { subject: 'Phones', description: 'No dial tone.' });
    const tech = await as('tech@demo-msp.test');
    const pub = await eventsOf(async () => await addReply(tech, { ticketId: t.id, body: 'On it.' }));
    expect(lines(pub)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} comment.added`].sort());
    const note = await eventsOf(async () => await addReply(tech, { ticketId: t.id, body: 'Carrier outage.', internal: true }));
    expect(lines(note)).toEqual([`staff-feed:${t.providerId} ticket.updated`, `ticket-staff:${t.id} comment.added`].sort());
    const time = await eventsOf(async () => await logTime(tech, { ticketId: t.id, minutes: 15 }));
    expect(lines(time)).toEqual([`ticket-staff:${t.id} time.logged`]);
  });

  it('recomputes the due times from the creation time when the priority changes', async () => {
    const created = clock.now().getTime();
    const t = await createTicket(await as('standard@acme-dental.test'), { subject: 'Slow PC', description: 'Very slow.', priority: 'low' });
    expect((await row(t.id)).firstResponseDueAt!.getTime()).toBe(created + 8 * 60 * MIN);
    clock.advance(60 * MIN);
    const written = await eventsOf(async () => await updateTicket(await as('tech@demo-msp.test'), { ticketId: t.id, priority: 'high' }));
    expect((await row(t.id)).firstResponseDueAt!.getTime()).toBe(created + 30 * MIN);
    expect((await row(t.id)).resolutionDueAt!.getTime()).toBe(created + 4 * 60 * MIN);
    const changed = written.find((e) => e.kind === 'ticket.changed')!.payload;
    expect(changed).toEqual({ ticketId: t.id, changes: { priority: 'high' }, by: { userId: expect.any(Number), name: 'Taylor Tech', side: 'staff' } });
  });

  it('uses the targets staff admins set', async () => {
    const admin = await as('admin@demo-msp.test');
    expect((await listSlaPolicies(admin)).map((p) => p.priority)).toEqual(['high', 'medium', 'low']);
    await expect(updateSlaPolicy(await as('tech@demo-msp.test'), { priority: 'medium', firstResponseMinutes: 60, resolutionMinutes: 600 })).rejects.toThrow('staff administrator');
    await expect(updateSlaPolicy(admin, { priority: 'medium', firstResponseMinutes: 600, resolutionMinutes: 60 })).rejects.toThrow('cannot be shorter');
    await updateSlaPolicy(admin, { priority: 'medium', firstResponseMinutes: 60, resolutionMinutes: 600 });
    const at = clock.now().getTime();
    const t = await createTicket(await as('standard@acme-dental.test'), { subject: 'Scanner', description: 'Jams.', priority: 'medium' });
    expect([(await row(t.id)).firstResponseDueAt!.getTime(), (await row(t.id)).resolutionDueAt!.getTime()]).toEqual([at + 60 * MIN, at + 600 * MIN]);
  });
});

describe('staff changes', () => {
  it('only staff change status, priority, category, assignee, watchers and time', async () => {
    const t = await createTicket(await as('standard@acme-dental.test'), { subject: 'VPN', description: 'Drops.' });
    for (const email of ['standard@acme-dental.test', 'primary@acme-dental.test']) {
      const ctx = await as(email);
      await expect(updateTicket(ctx, { ticketId: t.id, status: 'in_progress' })).rejects.toThrow('This is for staff only.');
      await expect(updateTicket(ctx, { ticketId: t.id, priority: 'high' })).rejects.toThrow('This is for staff only.');
      await expect(updateTicket(ctx, { ticketId: t.id, assigneeStaffId: await staffId('tech@demo-msp.test') })).rejects.toThrow('This is for staff only.');
      await expect(addWatcher(ctx, { ticketId: t.id, contactId: await contactId('billing@acme-dental.test') })).rejects.toThrow('This is for staff only.');
      await expect(logTime(ctx, { ticketId: t.id, minutes: 5 })).rejects.toThrow('This is for staff only.');
      await expect(addReply(ctx, { ticketId: t.id, body: 'note', internal: true })).rejects.toThrow('Only staff can add internal notes.');
    }
    const tech = await as('tech@demo-msp.test');
    const s = await updateTicket(tech, { ticketId: t.id, status: 'waiting_on_vendor', category: 'Network', assigneeStaffId: await staffId('admin@demo-msp.test') });
    expect(s).toMatchObject({ status: 'waiting_on_vendor', category: 'Network', assigneeName: 'Alex Admin' });
    expect(await eventsOf(async () => await updateTicket(tech, { ticketId: t.id, status: 'waiting_on_vendor' }))).toEqual([]); // no change, no event
    await expect(updateTicket(tech, { ticketId: t.id, assigneeStaffId: 999_999 })).rejects.toThrow('Assign the ticket to a staff member of your team.');
    await expect(addWatcher(tech, { ticketId: t.id, contactId: await contactId('primary@northwind.test') })).rejects.toThrow("Watchers must be contacts of the ticket's company.");
    await expect(addWatcher(tech, { ticketId: t.id, contactId: await contactId('standard@acme-dental.test') })).rejects.toThrow('The requester already follows this ticket.');
    await logTime(tech, { ticketId: t.id, minutes: 30, note: 'Router firmware' });
    await logTime(tech, { ticketId: t.id, minutes: 45 });
    expect(await getTicket(await as('standard@acme-dental.test'), { ticketId: t.id })).toMatchObject({ timeSpentMinutes: 75, timeEntries: [] });
    expect((await getTicket(tech, { ticketId: t.id })).timeEntries.map((e) => [e.minutes, e.note, e.staffName])).toEqual([
      [30, 'Router firmware', 'Taylor Tech'],
      [45, null, 'Taylor Tech'],
    ]);
    (await base.db.update(providers).set({ showTimeSpent: false }));
    expect((await getTicket(await as('standard@acme-dental.test'), { ticketId: t.id })).timeSpentMinutes).toBeNull();
    expect((await getTicket(tech, { ticketId: t.id })).timeSpentMinutes).toBe(75);
    (await base.db.update(providers).set({ showTimeSpent: true }));
  });

  it('edits the category list (staff admins): add, rename (tickets follow), deactivate', async () => {
    const admin = await as('admin@demo-msp.test');
    await expect(addCategory(await as('tech@demo-msp.test'), { name: 'Printers' })).rejects.toThrow('staff administrator');
    const c = await addCategory(admin, { name: 'Printers' });
    await expect(addCategory(admin, { name: 'printers' })).rejects.toThrow('A category with this name already exists.');
    const t = await createTicket(await as('standard@acme-dental.test'), { subject: 'Toner', description: 'Empty.', category: 'Printers' });
    await renameCategory(admin, { categoryId: c.id, name: 'Printing' });
    expect((await row(t.id)).category).toBe('Printing');
    await setCategoryActive(admin, { categoryId: c.id, active: false });
    expect((await listCategories(await as('standard@acme-dental.test'))).map((x) => x.name)).not.toContain('Printing');
    expect((await listCategories(admin, { includeInactive: true })).find((x) => x.name === 'Printing')!.active).toBe(false);
    await expect(listCategories(await as('standard@acme-dental.test'), { includeInactive: true })).rejects.toThrow('This is for staff only.');
    await expect(createTicket(await as('standard@acme-dental.test'), { subject: 'x', description: 'y', category: 'Printing' })).rejects.toThrow('Choose a category from the list.');
    expect((await row(t.id)).category).toBe('Printing');
  });
});

describe('close, request reopen, rate', () => {
  it('lets contacts close, ask to reopen once, and the requester rate once', async () => {
    const standard = await as('standard@acme-dental.test');
    const billing = await as('billing@acme-dental.test');
    const tech = await as('tech@demo-msp.test');
    const t = await createTicket(standard, { subject: 'Outlook', description: 'Crashes.' });
    await addWatcher(tech, { ticketId: t.id, contactId: await contactId('billing@acme-dental.test') });
    await expect(rateTicket(standard, { ticketId: t.id, rating: 'good' })).rejects.toThrow('A ticket can be rated once it is closed.');
    await expect(requestReopen(standard, { ticketId: t.id })).rejects.toThrow('This ticket is still open.');

    const closing = await eventsOf(async () => await closeTicket(standard, { ticketId: t.id }));
    expect(lines(closing)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} ticket.changed`].sort());
    expect(closing.find((e) => e.kind === 'ticket.changed')!.payload).toMatchObject({ changes: { status: 'closed' }, by: { side: 'client' } });
    expect((await row(t.id)).closedAt).not.toBeNull();
    await expect(closeTicket(standard, { ticketId: t.id })).rejects.toThrow('This ticket is already closed.');
    await expect(addReply(standard, { ticketId: t.id, body: 'One more thing' })).rejects.toThrow('This ticket is closed. Use "Request reopen" to continue it.');
    expect((await getTicket(standard, { ticketId: t.id })).actions).toEqual({ reply: false, close: false, requestReopen: true, rate: true, manage: false });
    expect((await getTicket(billing, { ticketId: t.id })).actions.rate).toBe(false);

    await expect(rateTicket(billing, { ticketId: t.id, rating: 'bad' })).rejects.toThrow('Only the person who raised the ticket can rate it.');
    await rateTicket(standard, { ticketId: t.id, rating: 'bad', comment: 'Took a while.' });
    await expect(rateTicket(standard, { ticketId: t.id, rating: 'good' })).rejects.toThrow('This ticket has already been rated.');
    expect((await getTicket(standard, { ticketId: t.id })).ticket).toMatchObject({ satisfaction: 'bad', satisfactionComment: 'Took a while.' });

    await expect(requestReopen(tech, { ticketId: t.id })).rejects.toThrow('Staff reopen a ticket by changing its status.');
    const reopening = await eventsOf(async () => await requestReopen(billing, { ticketId: t.id, reason: 'It crashed again.' }));
    expect(lines(reopening)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} comment.added`].sort());
    expect((await getTicket(standard, { ticketId: t.id })).comments.at(-1)!.body).toBe('Asked to reopen this ticket: It crashed again.');
    expect((await row(t.id)).reopenRequestedAt).not.toBeNull();
    await expect(requestReopen(standard, { ticketId: t.id })).rejects.toThrow('Reopening was already requested.');

    await updateTicket(tech, { ticketId: t.id, status: 'open' });
    expect(await row(t.id)).toMatchObject({ status: 'open', closedAt: null, reopenRequestedAt: null, satisfaction: 'bad' });
    await closeTicket(tech, { ticketId: t.id });
    await expect(rateTicket(standard, { ticketId: t.id, rating: 'good' })).rejects.toThrow('This ticket has already been rated.');
  });

  it('the seed holds a closed, rated ticket with due times, an assignee, a watcher and logged time', async () => {
    const all = (await base.db.select().from(tickets));
    expect(all.some((t) => t.status === 'closed' && t.satisfaction === 'good')).toBe(true);
    expect(all.every((t) => t.firstResponseDueAt && t.resolutionDueAt)).toBe(true);
    expect(all.some((t) => t.assigneeStaffId)).toBe(true);
    const printer = all.find((t) => t.subject === 'Printer on 2nd floor is offline')!;
    expect(await getTicket(await as('tech@demo-msp.test'), { ticketId: printer.id })).toMatchObject({
      watchers: [expect.objectContaining({ name: 'Bailey Billing' })],
      timeSpentMinutes: 25,
      ticket: { category: 'Hardware', assigneeName: 'Taylor Tech', status: 'in_progress' },
    });
  });
});
