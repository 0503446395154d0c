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
let cleanup: () => void;
beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const as = (email: string) => asDemoUser(base, email);
const MIN = 60_000;
const contactId = (email: string) => base.db.select().from(contacts).where(eq(contacts.email, email)).get()!.id;
const staffId = (email: string) => {
  const user = base.db.select().from(users).where(eq(users.email, email)).get()!;
  return base.db.select().from(staffMembers).where(eq(staffMembers.userId, user.id)).get()!.id;
};
const row = (id: number) => base.db.select().from(tickets).where(eq(tickets.id, id)).get()!;
/** The events a call wrote, as "topic kind" lines. */
function eventsOf(work: () => void) {
  const before = base.db.select().from(events).all().at(-1)?.id ?? 0;
  work();
  return base.db.select().from(events).where(gt(events.id, before)).all();
}
const lines = (rows: { topic: string; kind: string }[]) => rows.map((e) => `${e.topic} ${e.kind}`).sort();

describe('raising a ticket', () => {
  it('numbers it per provider, computes SLA due times from the policy, and announces the summary', () => {
    const at = clock.now().getTime();
    const ctx = as('standard@acme-dental.test');
    let id = 0;
    const written = eventsOf(() => {
      id = createTicket(ctx, { subject: 'Monitor flickers', description: 'Since Monday.', priority: 'high', category: 'hardware' }).id;
    });
    const t = row(id);
    expect(t.number).toBeGreaterThan(1000);
    expect(t.category).toBe('Hardware'); // stored with the list's own spelling
    expect(t.source).toBe('portal');
    expect(t.firstResponseDueAt!.getTime()).toBe(at + 30 * MIN);
    expect(t.resolutionDueAt!.getTime()).toBe(at + 4 * 60 * MIN);
    expect(lines(written)).toEqual([`company-tickets:${t.companyId} ticket.created`, `staff-feed:${t.providerId} ticket.created`].sort());
    const payload = written[0]!.payload as Extract<TTicketEvent, { kind: 'ticket.created' }>['payload'];
    expect(payload.ticket).toEqual(loadTicketSummary(base.db, id));
    expect(payload.ticket).toMatchObject({ requesterContactId: contactId('standard@acme-dental.test'), firstRespondedAt: null, lastReplyBy: null });
  });

  it('lets staff raise one for a company and contact (source staff), and mail intake pass source email', () => {
    const acme = (as('primary@acme-dental.test').actor as { companyId: number }).companyId;
    const t = createTicket(as('tech@demo-msp.test'), { subject: 'Backup check', description: 'Monthly.', companyId: acme, requesterContactId: contactId('technical@acme-dental.test') });
    expect(t).toMatchObject({ source: 'staff', companyId: acme, requesterContactId: contactId('technical@acme-dental.test') });
    expect(createTicket(as('primary@acme-dental.test'), { subject: 'By mail', description: 'Body.' }, 'email').source).toBe('email');
    expect(() => createTicket(as('tech@demo-msp.test'), { subject: 'x', description: 'y' })).toThrow('Choose the company this ticket is for.');
    expect(() => createTicket(as('tech@demo-msp.test'), { subject: 'x', description: 'y', companyId: acme, requesterContactId: contactId('primary@northwind.test') })).toThrow(
      'That contact is not in this company.',
    );
    expect(() => createTicket(as('primary@acme-dental.test'), { subject: 'x', description: 'y', category: 'Plumbing' })).toThrow('Choose a category from the list.');
  });

  it('claims attachments for the description and replies, and refuses someone else’s upload', () => {
    const ctx = as('primary@acme-dental.test');
    const upload = (userId: number, filename: string) =>
      base.db
        .insert(attachments)
        .values({ providerId: 1, sha256: 'a'.repeat(64), size: 1234, mimeType: 'image/png', filename, uploaderUserId: userId, createdAt: clock.now() })
        .returning()
        .get().id;
    const mine = (ctx.actor as { userId: number }).userId;
    const t = createTicket(ctx, { subject: 'Screenshot', description: 'See attached.', attachmentIds: [upload(mine, 'error.png')] });
    addReply(ctx, { ticketId: t.id, body: 'And the log.', attachmentIds: [upload(mine, 'log.png')] });
    const view = getTicket(ctx, { ticketId: t.id });
    expect(view.ticket.descriptionAttachments.map((a) => a.filename)).toEqual(['error.png']);
    expect(view.comments.at(-1)!.attachments).toEqual([expect.objectContaining({ filename: 'log.png', size: 1234, mimeType: 'image/png' })]);
    const other = (as('technical@acme-dental.test').actor as { userId: number }).userId;
    expect(() => addReply(ctx, { ticketId: t.id, body: 'Not mine.', attachmentIds: [upload(other, 'x.png')] })).toThrow('An attachment was not found');
    expect(getTicket(ctx, { ticketId: t.id }).comments.some((c) => c.body === 'Not mine.')).toBe(false); // rolled back
  });
});

describe('replies and SLA', () => {
  it('sets firstRespondedAt at the first public staff reply only', () => {
    const ctx = as('standard@acme-dental.test');
    const tech = as('tech@demo-msp.test');
    const t = createTicket(ctx, { subject: 'Keyboard', description: 'Sticky keys.' });
    clock.advance(5 * MIN);
    addReply(ctx, { ticketId: t.id, body: 'Also the mouse.' });
    addReply(tech, { ticketId: t.id, body: 'Checking the asset list.', internal: true });
    expect(row(t.id).firstRespondedAt).toBeNull();
    expect(loadTicketSummary(base.db, t.id).lastReplyBy).toBe('client');
    clock.advance(5 * MIN);
    const at = clock.now().getTime();
    addReply(tech, { ticketId: t.id, body: 'Replacing both today.' });
    clock.advance(5 * MIN);
    addReply(tech, { ticketId: t.id, body: 'Done.' });
    expect(row(t.id).firstRespondedAt!.getTime()).toBe(at);
    expect(loadTicketSummary(base.db, t.id)).toMatchObject({ firstRespondedAt: at, lastReplyBy: 'staff' });
  });

  it('emits the public reply on the thread and both lists, the internal note on staff topics only', () => {
    const t = createTicket(as('standard@acme-dental.test'), { subject: 'Phones', description: 'No dial tone.' });
    const tech = as('tech@demo-msp.test');
    const pub = eventsOf(() => addReply(tech, { ticketId: t.id, body: 'On it.' }));
    expect(lines(pub)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} comment.added`].sort());
    const note = eventsOf(() => addReply(tech, { ticketId: t.id, body: 'Carrier outage.', internal: true }));
    expect(lines(note)).toEqual([`staff-feed:${t.providerId} ticket.updated`, `ticket-staff:${t.id} comment.added`].sort());
    const time = eventsOf(() => logTime(tech, { ticketId: t.id, minutes: 15 }));
    expect(lines(time)).toEqual([`ticket-staff:${t.id} time.logged`]);
  });

  it('recomputes the due times from the creation time when the priority changes', () => {
    const created = clock.now().getTime();
    const t = createTicket(as('standard@acme-dental.test'), { subject: 'Slow PC', description: 'Very slow.', priority: 'low' });
    expect(row(t.id).firstResponseDueAt!.getTime()).toBe(created + 8 * 60 * MIN);
    clock.advance(60 * MIN);
    const written = eventsOf(() => updateTicket(as('tech@demo-msp.test'), { ticketId: t.id, priority: 'high' }));
    expect(row(t.id).firstResponseDueAt!.getTime()).toBe(created + 30 * MIN);
    expect(row(t.id).resolutionDueAt!.getTime()).toBe(created + 4 * 60 * MIN);
    const changed = written.find((e) => e.kind === 'ticket.changed')!.payload;
    expect(changed).toEqual({ ticketId: t.id, changes: { priority: 'high' }, by: { userId: expect.any(Number), name: 'Taylor Tech', side: 'staff' } });
  });

  it('uses the targets staff admins set', () => {
    const admin = as('admin@demo-msp.test');
    expect(listSlaPolicies(admin).map((p) => p.priority)).toEqual(['high', 'medium', 'low']);
    expect(() => updateSlaPolicy(as('tech@demo-msp.test'), { priority: 'medium', firstResponseMinutes: 60, resolutionMinutes: 600 })).toThrow('staff administrator');
    expect(() => updateSlaPolicy(admin, { priority: 'medium', firstResponseMinutes: 600, resolutionMinutes: 60 })).toThrow('cannot be shorter');
    updateSlaPolicy(admin, { priority: 'medium', firstResponseMinutes: 60, resolutionMinutes: 600 });
    const at = clock.now().getTime();
    const t = createTicket(as('standard@acme-dental.test'), { subject: 'Scanner', description: 'Jams.', priority: 'medium' });
    expect([row(t.id).firstResponseDueAt!.getTime(), row(t.id).resolutionDueAt!.getTime()]).toEqual([at + 60 * MIN, at + 600 * MIN]);
  });
});

describe('staff changes', () => {
  it('only staff change status, priority, category, assignee, watchers and time', () => {
    const t = createTicket(as('standard@acme-dental.test'), { subject: 'VPN', description: 'Drops.' });
    for (const email of ['standard@acme-dental.test', 'primary@acme-dental.test']) {
      const ctx = as(email);
      expect(() => updateTicket(ctx, { ticketId: t.id, status: 'in_progress' })).toThrow('This is for staff only.');
      expect(() => updateTicket(ctx, { ticketId: t.id, priority: 'high' })).toThrow('This is for staff only.');
      expect(() => updateTicket(ctx, { ticketId: t.id, assigneeStaffId: staffId('tech@demo-msp.test') })).toThrow('This is for staff only.');
      expect(() => addWatcher(ctx, { ticketId: t.id, contactId: contactId('billing@acme-dental.test') })).toThrow('This is for staff only.');
      expect(() => logTime(ctx, { ticketId: t.id, minutes: 5 })).toThrow('This is for staff only.');
      expect(() => addReply(ctx, { ticketId: t.id, body: 'note', internal: true })).toThrow('Only staff can add internal notes.');
    }
    const tech = as('tech@demo-msp.test');
    const s = updateTicket(tech, { ticketId: t.id, status: 'waiting_on_vendor', category: 'Network', assigneeStaffId: staffId('admin@demo-msp.test') });
    expect(s).toMatchObject({ status: 'waiting_on_vendor', category: 'Network', assigneeName: 'Alex Admin' });
    expect(eventsOf(() => updateTicket(tech, { ticketId: t.id, status: 'waiting_on_vendor' }))).toEqual([]); // no change, no event
    expect(() => updateTicket(tech, { ticketId: t.id, assigneeStaffId: 999_999 })).toThrow('Assign the ticket to a staff member of your team.');
    expect(() => addWatcher(tech, { ticketId: t.id, contactId: contactId('primary@northwind.test') })).toThrow("Watchers must be contacts of the ticket's company.");
    expect(() => addWatcher(tech, { ticketId: t.id, contactId: contactId('standard@acme-dental.test') })).toThrow('The requester already follows this ticket.');
    logTime(tech, { ticketId: t.id, minutes: 30, note: 'Router firmware' });
    logTime(tech, { ticketId: t.id, minutes: 45 });
    expect(getTicket(as('standard@acme-dental.test'), { ticketId: t.id })).toMatchObject({ timeSpentMinutes: 75, timeEntries: [] });
    expect(getTicket(tech, { ticketId: t.id }).timeEntries.map((e) => [e.minutes, e.note, e.staffName])).toEqual([
      [30, 'Router firmware', 'Taylor Tech'],
      [45, null, 'Taylor Tech'],
    ]);
    base.db.update(providers).set({ showTimeSpent: false }).run();
    expect(getTicket(as('standard@acme-dental.test'), { ticketId: t.id }).timeSpentMinutes).toBeNull();
    expect(getTicket(tech, { ticketId: t.id }).timeSpentMinutes).toBe(75);
    base.db.update(providers).set({ showTimeSpent: true }).run();
  });

  it('edits the category list (staff admins): add, rename (tickets follow), deactivate', () => {
    const admin = as('admin@demo-msp.test');
    expect(() => addCategory(as('tech@demo-msp.test'), { name: 'Printers' })).toThrow('staff administrator');
    const c = addCategory(admin, { name: 'Printers' });
    expect(() => addCategory(admin, { name: 'printers' })).toThrow('A category with this name already exists.');
    const t = createTicket(as('standard@acme-dental.test'), { subject: 'Toner', description: 'Empty.', category: 'Printers' });
    renameCategory(admin, { categoryId: c.id, name: 'Printing' });
    expect(row(t.id).category).toBe('Printing');
    setCategoryActive(admin, { categoryId: c.id, active: false });
    expect(listCategories(as('standard@acme-dental.test')).map((x) => x.name)).not.toContain('Printing');
    expect(listCategories(admin, { includeInactive: true }).find((x) => x.name === 'Printing')!.active).toBe(false);
    expect(() => listCategories(as('standard@acme-dental.test'), { includeInactive: true })).toThrow('This is for staff only.');
    expect(() => createTicket(as('standard@acme-dental.test'), { subject: 'x', description: 'y', category: 'Printing' })).toThrow('Choose a category from the list.');
    expect(row(t.id).category).toBe('Printing');
  });
});

describe('close, request reopen, rate', () => {
  it('lets contacts close, ask to reopen once, and the requester rate once', () => {
    const standard = as('standard@acme-dental.test');
    const billing = as('billing@acme-dental.test');
    const tech = as('tech@demo-msp.test');
    const t = createTicket(standard, { subject: 'Outlook', description: 'Crashes.' });
    addWatcher(tech, { ticketId: t.id, contactId: contactId('billing@acme-dental.test') });
    expect(() => rateTicket(standard, { ticketId: t.id, rating: 'good' })).toThrow('A ticket can be rated once it is closed.');
    expect(() => requestReopen(standard, { ticketId: t.id })).toThrow('This ticket is still open.');

    const closing = eventsOf(() => closeTicket(standard, { ticketId: t.id }));
    expect(lines(closing)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} ticket.changed`].sort());
    expect(closing.find((e) => e.kind === 'ticket.changed')!.payload).toMatchObject({ changes: { status: 'closed' }, by: { side: 'client' } });
    expect(row(t.id).closedAt).not.toBeNull();
    expect(() => closeTicket(standard, { ticketId: t.id })).toThrow('This ticket is already closed.');
    expect(() => addReply(standard, { ticketId: t.id, body: 'One more thing' })).toThrow('This ticket is closed. Use "Request reopen" to continue it.');
    expect(getTicket(standard, { ticketId: t.id }).actions).toEqual({ reply: false, close: false, requestReopen: true, rate: true, manage: false });
    expect(getTicket(billing, { ticketId: t.id }).actions.rate).toBe(false);

    expect(() => rateTicket(billing, { ticketId: t.id, rating: 'bad' })).toThrow('Only the person who raised the ticket can rate it.');
    rateTicket(standard, { ticketId: t.id, rating: 'bad', comment: 'Took a while.' });
    expect(() => rateTicket(standard, { ticketId: t.id, rating: 'good' })).toThrow('This ticket has already been rated.');
    expect(getTicket(standard, { ticketId: t.id }).ticket).toMatchObject({ satisfaction: 'bad', satisfactionComment: 'Took a while.' });

    expect(() => requestReopen(tech, { ticketId: t.id })).toThrow('Staff reopen a ticket by changing its status.');
    const reopening = eventsOf(() => requestReopen(billing, { ticketId: t.id, reason: 'It crashed again.' }));
    expect(lines(reopening)).toEqual([`company-tickets:${t.companyId} ticket.updated`, `staff-feed:${t.providerId} ticket.updated`, `ticket:${t.id} comment.added`].sort());
    expect(getTicket(standard, { ticketId: t.id }).comments.at(-1)!.body).toBe('Asked to reopen this ticket: It crashed again.');
    expect(row(t.id).reopenRequestedAt).not.toBeNull();
    expect(() => requestReopen(standard, { ticketId: t.id })).toThrow('Reopening was already requested.');

    updateTicket(tech, { ticketId: t.id, status: 'open' });
    expect(row(t.id)).toMatchObject({ status: 'open', closedAt: null, reopenRequestedAt: null, satisfaction: 'bad' });
    closeTicket(tech, { ticketId: t.id });
    expect(() => rateTicket(standard, { ticketId: t.id, rating: 'good' })).toThrow('This ticket has already been rated.');
  });

  it('the seed holds a closed, rated ticket with due times, an assignee, a watcher and logged time', () => {
    const all = base.db.select().from(tickets).all();
    expect(all.some((t) => t.status === 'closed' && t.satisfaction === 'good')).toBe(true);
    expect(all.every((t) => t.firstResponseDueAt && t.resolutionDueAt)).toBe(true);
    expect(all.some((t) => t.assigneeStaffId)).toBe(true);
    const printer = all.find((t) => t.subject === 'Printer on 2nd floor is offline')!;
    expect(getTicket(as('tech@demo-msp.test'), { ticketId: printer.id })).toMatchObject({
      watchers: [expect.objectContaining({ name: 'Bailey Billing' })],
      timeSpentMinutes: 25,
      ticket: { category: 'Hardware', assigneeName: 'Taylor Tech', status: 'in_progress' },
    });
  });
});
