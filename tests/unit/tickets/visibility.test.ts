import { eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { events, type TEventRow } from '../../../db/schema/events';
import { companies, contacts } from '../../../db/schema/people';
import { tickets } from '../../../db/schema/tickets';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import type { TTicketSummary } from '../../../server/tickets/events';
import { getTicket } from '../../../server/tickets/get-ticket';
import { listTickets } from '../../../server/tickets/list-tickets';
import { ticketFeed } from '../../../server/tickets/ticket-feed';
import { followTicketFeed, followTicketList, followTicketThread, listEventVisibleTo } from '../../../server/tickets/ticket-streams';
import { loadTicketSummary } from '../../../server/tickets/ticket-summary';
import { staffFeedTopic } from '../../../server/tickets/topics';
import { updateTicket } from '../../../server/tickets/update-ticket';
import { addWatcher, removeWatcher } from '../../../server/tickets/watchers';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
});
afterAll(() => cleanup());

const as = async (email: string) => await asDemoUser(base, email);
const contactId = async (email: string) => (await base.db.select().from(contacts).where(eq(contacts.email, email)))[0]!.id;
const companyId = async (name: string) => (await base.db.select().from(companies).where(eq(companies.name, name)))[0]!.id;
const ticketBySubject = async (subject: string, company: string) => {
  const id = await companyId(company);
  return (await base.db.select().from(tickets)).find((t) => t.subject === subject && t.companyId === id)!;
};
const allIds = async (ctx: ServiceContext, input: Parameters<typeof listTickets>[1]) => {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets(ctx, { ...input, cursor, limit: 2 });
    ids.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
};

/** Runs a live stream (replay from the log, then live) for a while, then aborts it. */
async function collect(start: (signal: AbortSignal) => AsyncGenerator<TEventRow> | Promise<AsyncGenerator<TEventRow>>, during: () => Promise<unknown> | void = () => {}) {
  const ac = new AbortController();
  const got: TEventRow[] = [];
  const run = (async () => {
    for await (const e of await start(ac.signal)) got.push(e);
  })();
  await new Promise((r) => setTimeout(r, 10));
  await during();
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  await run;
  return got;
}
const ticketIdOf = (e: TEventRow) => ((e.payload.ticket as TTicketSummary | undefined)?.ticketId ?? e.payload.ticketId) as number;

describe('tenancy: a contact never sees another company’s tickets', () => {
  const ACME = ['standard', 'billing', 'technical', 'primary'].map((t) => `${t}@acme-dental.test`);

  it('not by list, get, search or feed', async () => {
    const secret = await createTicket(await as('primary@northwind.test'), { subject: 'Zanzibar router', description: 'Quokka firmware.' });
    for (const email of ACME) {
      const ctx = await as(email);
      for (const scope of ['mine', 'company'] as const) {
        const items = (await listTickets(ctx, { scope, status: 'all' })).items;
        const acme = await companyId('Acme Dental');
        expect(items.every((t) => t.companyId === acme)).toBe(true);
        expect((await listTickets(ctx, { scope, status: 'all', search: 'zanzibar' })).items).toEqual([]);
        expect((await listTickets(ctx, { scope, status: 'all', search: 'quokk' })).items).toEqual([]);
      }
      await expect(getTicket(ctx, { ticketId: secret.id })).rejects.toThrow('Ticket not found.');
      await expect(ticketFeed(ctx, {})).rejects.toThrow('This is for staff only.');
    }
    expect((await ticketFeed(await as('tech@demo-msp.test'), { search: 'zanzibar' })).items.map((t) => t.id)).toEqual([secret.id]);
  });

  it('not by subscription events', async () => {
    const ctx = await as('primary@acme-dental.test');
    const northwindTicket = await ticketBySubject('Printer on 2nd floor is offline', 'Northwind Logistics');
    const got = await collect(
      (signal) => followTicketList(ctx, { lastEventId: 0, signal }),
      async () => await addReply(await as('tech@demo-msp.test'), { ticketId: northwindTicket.id, body: 'Northwind only' }),
    );
    expect(got.length).toBeGreaterThan(0);
    const acme = await companyId('Acme Dental');
    expect(got.every((e) => (e.payload.ticket as TTicketSummary).companyId === acme)).toBe(true);
    expect(got.some((e) => ticketIdOf(e) === northwindTicket.id)).toBe(false);
    await expect(followTicketThread(ctx, northwindTicket.id, {})).rejects.toThrow('Ticket not found.');
    expect(() => followTicketFeed(ctx, {})).toThrow('This is for staff only.');
    // The filter itself refuses another company's summary, whatever the contact's type.
    expect(listEventVisibleTo(ctx.actor, { kind: 'ticket.updated', payload: { ticket: await loadTicketSummary(base.db, northwindTicket.id) } })).toBe(false);
  });

  it('staff of another provider see nothing of this one', async () => {
    const sys = withActor(base, system);
    const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp', currency: 'USD' });
    const staff = await createStaffMember(sys, other.id, { name: 'Olga Other', email: 'olga@other.test', role: 'admin' });
    const ctx = withActor(base, { kind: 'staff', userId: staff.userId, staffId: staff.id, providerId: other.id, role: 'admin', name: 'Olga Other' });
    const demoTicket = await ticketBySubject('Printer on 2nd floor is offline', 'Acme Dental');
    expect((await ticketFeed(ctx, { status: 'all' })).items).toEqual([]);
    expect((await listTickets(ctx, { status: 'all' })).items).toEqual([]);
    await expect(getTicket(ctx, { ticketId: demoTicket.id })).rejects.toThrow('Ticket not found.');
    await expect(updateTicket(ctx, { ticketId: demoTicket.id, priority: 'high' })).rejects.toThrow('Ticket not found.');
  });
});

describe('internal notes never reach contacts', () => {
  it('not in the view, search, thread stream or list events', async () => {
    const t = await ticketBySubject('New starter next Monday', 'Acme Dental');
    const tech = await as('tech@demo-msp.test');
    const primary = await as('primary@acme-dental.test');
    const before = (await base.db.select().from(events)).at(-1)!.id;
    const threadEvents = collect(
      async (signal) => await followTicketThread(primary, t.id, { lastEventId: 0, signal }),
      async () => await addReply(tech, { ticketId: t.id, body: 'Kumquat licence key is in the vault.', internal: true }),
    );
    const got = await threadEvents;
    expect(got.some((e) => e.kind === 'comment.added' && (e.payload.comment as { internal: boolean }).internal)).toBe(false);
    expect(got.some((e) => JSON.stringify(e.payload).includes('Kumquat'))).toBe(false);

    const written = (await base.db.select().from(events).where(gt(events.id, before)));
    expect(written.map((e) => `${e.topic} ${e.kind}`).sort()).toEqual([`${staffFeedTopic(t.providerId)} ticket.updated`, `ticket-staff:${t.id} comment.added`].sort());

    expect((await getTicket(primary, { ticketId: t.id })).comments.some((c) => c.internal || c.body.includes('Kumquat'))).toBe(false);
    expect((await getTicket(tech, { ticketId: t.id })).comments.some((c) => c.internal && c.body.includes('Kumquat'))).toBe(true);
    for (const scope of ['mine', 'company'] as const) expect((await listTickets(primary, { scope, status: 'all', search: 'kumquat' })).items).toEqual([]);
    expect((await listTickets(tech, { status: 'all', search: 'kumquat' })).items.map((x) => x.id)).toEqual([t.id]);
    expect((await ticketFeed(tech, { status: 'all', search: 'kumq' })).items.map((x) => x.id)).toEqual([t.id]);

    const staffThread = await collect(async (signal) => await followTicketThread(tech, t.id, { lastEventId: 0, signal }));
    expect(staffThread.some((e) => e.kind === 'comment.added' && (e.payload.comment as { body: string }).body.includes('Kumquat'))).toBe(true);
  });
});

describe('Standard vs Technical and Primary contacts, and watchers', () => {
  it('Standard sees what they raised or watch; Technical and Primary see the whole company', async () => {
    const printer = await ticketBySubject('Printer on 2nd floor is offline', 'Acme Dental'); // raised by Standard, watched by Billing
    const drive = await ticketBySubject('Cannot access shared drive', 'Acme Dental'); // raised by Billing
    const acme = (await base.db.select().from(tickets).where(eq(tickets.companyId, await companyId('Acme Dental')))).map((t) => t.id);
    expect(await allIds(await as('standard@acme-dental.test'), { scope: 'company', status: 'all' })).toEqual([printer.id]);
    expect((await allIds(await as('billing@acme-dental.test'), { scope: 'company', status: 'all' })).sort()).toEqual([printer.id, drive.id].sort());
    for (const email of ['technical@acme-dental.test', 'primary@acme-dental.test']) {
      expect((await allIds(await as(email), { scope: 'company', status: 'all' })).sort()).toEqual([...acme].sort());
    }
    await expect(getTicket(await as('standard@acme-dental.test'), { ticketId: drive.id })).rejects.toThrow('Ticket not found.');
    expect((await getTicket(await as('billing@acme-dental.test'), { ticketId: printer.id })).ticket.id).toBe(printer.id);
  });

  it('adding and removing a watcher changes what a Standard contact sees, and what the live list lets through', async () => {
    const drive = await ticketBySubject('Cannot access shared drive', 'Acme Dental');
    const standard = await as('standard@acme-dental.test');
    const tech = await as('tech@demo-msp.test');
    const live = collect(
      (signal) => followTicketList(standard, { signal }),
      async () => {
        await addReply(tech, { ticketId: drive.id, body: 'Before the watch: Standard must not get this.' });
        await addWatcher(tech, { ticketId: drive.id, contactId: await contactId('standard@acme-dental.test') });
        await addReply(tech, { ticketId: drive.id, body: 'While watching.' });
        await removeWatcher(tech, { ticketId: drive.id, contactId: await contactId('standard@acme-dental.test') });
        await addReply(tech, { ticketId: drive.id, body: 'After the watch.' });
      },
    );
    const got = await live;
    // Only the two updates while watching (the watcher added, the reply) reach the Standard contact.
    const sam = await contactId('standard@acme-dental.test');
    expect(got.map((e) => (e.payload.ticket as TTicketSummary).watcherContactIds.includes(sam))).toEqual([true, true]);
    expect(await allIds(standard, { scope: 'mine', status: 'all' })).not.toContain(drive.id);
    await expect(getTicket(standard, { ticketId: drive.id })).rejects.toThrow('Ticket not found.');
  });

  it('the list filter follows the contact type and the summary', async () => {
    const drive = await loadTicketSummary(base.db, (await ticketBySubject('Cannot access shared drive', 'Acme Dental')).id);
    const ev = (ticket: TTicketSummary) => ({ kind: 'ticket.updated', payload: { ticket } });
    expect(listEventVisibleTo((await as('standard@acme-dental.test')).actor, ev(drive))).toBe(false);
    expect(listEventVisibleTo((await as('standard@acme-dental.test')).actor, ev({ ...drive, watcherContactIds: [await contactId('standard@acme-dental.test')] }))).toBe(true);
    expect(listEventVisibleTo((await as('billing@acme-dental.test')).actor, ev(drive))).toBe(true);
    expect(listEventVisibleTo((await as('technical@acme-dental.test')).actor, ev({ ...drive, requesterContactId: null }))).toBe(true);
    expect(listEventVisibleTo((await as('technical@northwind.test')).actor, ev(drive))).toBe(false);
    expect(listEventVisibleTo((await as('primary@acme-dental.test')).actor, { kind: 'comment.added', payload: { ticketId: drive.ticketId } })).toBe(false);
  });

  it('a thread stream stops for a Standard contact removed as watcher', async () => {
    const drive = await ticketBySubject('Cannot access shared drive', 'Acme Dental');
    const tech = await as('tech@demo-msp.test');
    await addWatcher(tech, { ticketId: drive.id, contactId: await contactId('standard@acme-dental.test') });
    const got = await collect(
      async (signal) => await followTicketThread(await as('standard@acme-dental.test'), drive.id, { signal }),
      async () => {
        await addReply(tech, { ticketId: drive.id, body: 'Seen by the watcher.' });
        await removeWatcher(tech, { ticketId: drive.id, contactId: await contactId('standard@acme-dental.test') });
        await addReply(tech, { ticketId: drive.id, body: 'Not for the former watcher.' });
      },
    );
    expect(got.map((e) => e.kind)).toEqual(['comment.added']);
  });
});
