import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { listTickets } from '../../../server/tickets/list-tickets';
import { toFtsQuery, toTsQuery, toTsWholeWords } from '../../../server/tickets/search-query';
import { ticketFeed } from '../../../server/tickets/ticket-feed';
import { encodeTicketCursor } from '../../../server/tickets/ticket-cursor';
import type { TTicketPage } from '../../../server/tickets/ticket-page';
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

/** Pages through a list, running `between` after every page; returns the ids in order. */
async function pageAll(fetch: (cursor: string | undefined) => Promise<TTicketPage>, between: (page: number) => Promise<void> | void = () => {}) {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let n = 0; ; n++) {
    const page = await fetch(cursor);
    ids.push(...page.items.map((t) => t.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
    await between(n);
  }
}

describe('keyset paging', () => {
  it('returns every ticket exactly once, newest update first, while new tickets arrive', async () => {
    const contact = await as('primary@northwind.test');
    // Several tickets share one updatedAt, so the id must break ties.
    for (let i = 0; i < 9; i++) {
      await createTicket(contact, { subject: `Paging ${i}`, description: 'Body.' });
      if (i % 3 === 2) clock.advance(1000);
    }
    const staff = await as('tech@demo-msp.test');
    const expectedFeed = await pageAll(async (cursor) => await ticketFeed(staff, { status: 'all', limit: 100, cursor }));
    let arrivals = 0;
    const arrive = async () => {
      await createTicket(contact, { subject: `Arrival ${arrivals++}`, description: 'New while paging.' });
      if (arrivals % 2) clock.advance(500);
    };
    const feed = await pageAll(async (cursor) => await ticketFeed(staff, { status: 'all', limit: 4, cursor }), arrive);
    const expectedList = await pageAll(async (cursor) => await listTickets(contact, { scope: 'company', status: 'all', limit: 100, cursor }));
    const list = await pageAll(async (cursor) => await listTickets(contact, { scope: 'company', status: 'all', limit: 3, cursor }), arrive);
    expect(arrivals).toBeGreaterThan(4);
    expect(feed).toEqual(expectedFeed);
    expect(list).toEqual(expectedList);
    expect(new Set(feed).size).toBe(feed.length);

    const page = (await ticketFeed(staff, { status: 'all', limit: 100 })).items;
    for (let i = 1; i < page.length; i++) {
      const [a, b] = [page[i - 1]!, page[i]!];
      expect(a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id)).toBe(true);
    }
  });

  it('moves a ticket with a new reply to the top', async () => {
    const contact = await as('primary@northwind.test');
    const oldest = (await listTickets(contact, { scope: 'company', status: 'all', limit: 100 })).items.at(-1)!;
    clock.advance(1000);
    await addReply(contact, { ticketId: oldest.id, body: 'Any news?' });
    expect((await listTickets(contact, { scope: 'company', status: 'all', limit: 1 })).items[0]!.id).toBe(oldest.id);
  });

  it('filters by status', async () => {
    const contact = await as('primary@acme-dental.test');
    const closed = (await listTickets(contact, { scope: 'company', status: 'closed' })).items;
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((t) => t.status === 'closed')).toBe(true);
    expect((await listTickets(contact, { scope: 'company' })).items.every((t) => t.status !== 'closed')).toBe(true);
    expect((await ticketFeed(await as('tech@demo-msp.test'), { status: 'waiting_on_client' })).items.every((t) => t.status === 'waiting_on_client')).toBe(true);
  });

  it('filters the feed by assignee, priority and company', async () => {
    const tech = await as('tech@demo-msp.test');
    const staffId = (tech.actor as { staffId: number }).staffId;
    const mine = (await ticketFeed(tech, { assignee: 'mine', status: 'all' })).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.assigneeStaffId === staffId)).toBe(true);
    expect((await ticketFeed(tech, { assignee: 'unassigned', status: 'all' })).items.every((t) => t.assigneeStaffId === null)).toBe(true);
    expect((await ticketFeed(tech, { priority: 'high', status: 'all' })).items.every((t) => t.priority === 'high')).toBe(true);
    const acme = ((await as('primary@acme-dental.test')).actor as { companyId: number }).companyId;
    const forAcme = (await ticketFeed(tech, { companyId: acme, status: 'all', limit: 100 })).items;
    expect(forAcme.length).toBeGreaterThan(0);
    expect(forAcme.every((t) => t.companyId === acme)).toBe(true);
  });

  it('refuses a forged or broken cursor with a clear message', async () => {
    const staff = await as('tech@demo-msp.test');
    await expect(ticketFeed(staff, { cursor: 'not-a-cursor' })).rejects.toThrow('That page link is not valid.');
    await expect(listTickets(staff, { cursor: Buffer.from('1; drop table tickets').toString('base64url') })).rejects.toThrow('That page link is not valid.');
    expect((await ticketFeed(staff, { status: 'all', cursor: encodeTicketCursor({ updatedAt: 0, id: 0 }) })).items).toEqual([]);
  });
});

describe('full-text search', () => {
  it('turns user text into quoted terms with a prefix on the last', () => {
    expect(toFtsQuery('printer off')).toBe('"printer" "off"*');
    expect(toFtsQuery('  "printer  ')).toBe('"printer"*');
    expect(toFtsQuery('a OR b')).toBe('"a" "OR" "b"*');
    expect(toFtsQuery('( * - " ^')).toBeNull();
    expect(toFtsQuery('')).toBeNull();
    expect(toFtsQuery('NEAR(x y) col:z')).toBe('"NEAR(x" "y)" "col:z"*');
    expect(toFtsQuery('pr\u0000in\u001fter')).toBe('"printer"*');
    expect(toFtsQuery('printer off', 8, false)).toBe('"printer" "off"');
  });

  it('turns user text into a tsquery of phrases, ANDed, with a prefix on the last word', () => {
    expect(toTsQuery('printer off')).toBe("'printer' & 'off':*");
    expect(toTsQuery("a OR b & !c | d'e")).toBe("'a' & 'OR' & 'b' & 'c' & ('d' <-> 'e':*)");
    expect(toTsQuery('( * - " ^ & ! <->')).toBeNull();
    expect(toTsQuery('NEAR(x y) col:z')).toBe("('NEAR' <-> 'x') & 'y' & ('col' <-> 'z':*)");
    expect(toTsQuery('server01.acme.local')).toBe("('server01' <-> 'acme' <-> 'local':*)");
    expect(toTsQuery('Müller ß')).toBe("'Müller' & 'ß':*");
  });

  it('finds the whole words of a search, the last (a prefix) left out', () => {
    expect(toTsWholeWords('printer offl')).toBe("'printer'");
    expect(toTsWholeWords('server01.acme.loc')).toBe("'server01' & 'acme'");
    expect(toTsWholeWords("a OR b & !c | d'e")).toBe("'a' & 'OR' & 'b' & 'c' & 'd'");
    expect(toTsWholeWords('prin')).toBeNull();
    expect(toTsWholeWords('( * -')).toBeNull();
  });

  it('finds by prefix, across subject, description and replies', async () => {
    const contact = await as('primary@acme-dental.test');
    const ids = async (search: string) => (await listTickets(contact, { scope: 'company', status: 'all', search })).items.map((t) => t.subject);
    expect(await ids('prin')).toContain('Printer on 2nd floor is offline');
    expect(await ids('printer offl')).toEqual(['Printer on 2nd floor is offline']);
    expect(await ids('asset tag PR')).toEqual(['Printer on 2nd floor is offline']); // a client's reply
    expect(await ids('spooler')).toEqual([]); // only in an internal note
    expect((await ticketFeed(await as('tech@demo-msp.test'), { status: 'all', search: 'spooler' })).items.map((t) => t.subject)).toEqual([
      'Printer on 2nd floor is offline',
      'Printer on 2nd floor is offline',
    ]);
  });

  it('never throws on FTS5 syntax in user input', async () => {
    const contact = await as('primary@acme-dental.test');
    const staff = await as('tech@demo-msp.test');
    const nasty = ['"', '"printer', 'printer"', '*', 'print*', '(', ')', 'printer OR', 'OR', 'AND NOT', 'NEAR(a b)', 'text:printer', '-printer', '^printer', "'; drop table tickets; --", '{a b}', 'prin\u0000ter', 'ü é ß'];
    for (const search of nasty) {
      await expect(listTickets(contact, { scope: 'company', status: 'all', search })).resolves.toBeDefined();
      await expect(ticketFeed(staff, { status: 'all', search })).resolves.toBeDefined();
    }
    expect((await listTickets(contact, { scope: 'company', status: 'all', search: '"printer' })).items.length).toBeGreaterThan(0);
    expect((await listTickets(contact, { scope: 'company', status: 'all', search: 'printer OR' })).items).toEqual([]); // OR is a word here, not an operator
  });
});
