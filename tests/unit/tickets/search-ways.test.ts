import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../../db/schema/people';
import { tickets, ticketWatchers } from '../../../db/schema/tickets';
import type { TContactActor, TStaffActor } from '../../../server/core/actor';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { seedDemo } from '../../../server/seed/demo-people';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { listWalks } from '../../../server/tickets/list-tickets';
import { ZListTicketsInput, ZTicketFeedInput } from '../../../server/tickets/schemas';
import { feedWalks } from '../../../server/tickets/ticket-feed';
import { runTicketPage, type TListWalks } from '../../../server/tickets/ticket-page';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * A search finds its tickets one of two ways (server/tickets/ticket-search.ts): from the
 * hits when few tickets match, or by walking the list's own index and testing each ticket
 * when many do. Both must give the same pages, and the pages a plain reading of the text
 * gives: every word in one text (the subject and description, or one reply), the last as
 * a prefix, internal notes only for staff, newest update first.
 */
let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void>;
type TDoc = { text: string; internal: boolean };
const docs = new Map<number, TDoc[]>();
/** Who raised each test ticket, and the tickets the Standard contact watches. */
const raisedBy = new Map<number, string>();
const watched = new Set<number>();
const WORDS = ['printer', 'offline', 'password', 'reset', 'laptop', 'vpn', 'slow', 'outlook', 'crash', 'toner'];

let state = 7;
const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
const phrase = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]!).join(' ');

beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
  const raisers = ['primary@acme-dental.test', 'standard@acme-dental.test', 'technical@acme-dental.test', 'primary@northwind.test'];
  const tech = await asDemoUser(base, 'tech@demo-msp.test');
  for (let i = 0; i < 60; i++) {
    const who = await asDemoUser(base, raisers[i % raisers.length]!);
    const subject = `Case ${i} ${phrase(2)}`;
    const description = phrase(4);
    const ticket = await createTicket(who, { subject, description });
    const list: TDoc[] = [{ text: `${subject} ${description}`, internal: false }];
    for (let r = 0; r < i % 4; r++) {
      clock.advance(1000);
      const internal = r === 1 && i % 3 === 0;
      const body = phrase(3);
      await addReply(internal ? tech : who, { ticketId: ticket.id, body, internal });
      list.push({ text: body, internal });
    }
    docs.set(ticket.id, list);
    raisedBy.set(ticket.id, raisers[i % raisers.length]!);
    clock.advance(1000);
  }
  // The Standard contact watches a few tickets others raised.
  const standard = (await base.db.select().from(contacts).where(eq(contacts.email, 'standard@acme-dental.test')))[0]!;
  for (const ticketId of [...docs.keys()].filter((id, i) => i % 8 === 0 && raisedBy.get(id) !== 'standard@acme-dental.test')) {
    await base.db.insert(ticketWatchers).values({ ticketId, contactId: standard.id, createdAt: new Date() });
    watched.add(ticketId);
  }
}, 120_000);
afterAll(() => cleanup());

/** Whether a text matches the search as the portal defines it (plain ASCII words here). */
function textMatches(text: string, search: string): boolean {
  const tokens = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean);
  return terms.every((t, i) => (i === terms.length - 1 ? tokens.some((w) => w.startsWith(t)) : tokens.includes(t)));
}

async function pageAll(walks: TListWalks, search: string, includeInternal: boolean, directLimit: number | undefined): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await runTicketPage(base.db, walks, { cursor, limit: 4 }, { text: search, includeInternal, directLimit });
    ids.push(...page.items.map((t) => t.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

const SEARCHES = ['printer', 'pass', 'printer offline', 'vpn slow cr', 'toner laptop reset', 'case 1', 'zebra'];

describe('search, from the hits or walking the list', () => {
  const sees: Record<string, (id: number) => boolean> = {
    'tech@demo-msp.test': () => true,
    'primary@acme-dental.test': (id) => raisedBy.get(id)!.endsWith('@acme-dental.test'),
    'standard@acme-dental.test': (id) => raisedBy.get(id) === 'standard@acme-dental.test' || watched.has(id),
  };
  it.each([
    ['staff feed', 'tech@demo-msp.test'],
    ['Primary contact, company', 'primary@acme-dental.test'],
    ['Standard contact, mine', 'standard@acme-dental.test'],
  ])('gives the same pages both ways, and the right ones: %s', async (_, email) => {
    const ctx = await asDemoUser(base, email);
    const staff = ctx.actor!.kind === 'staff';
    const walks = staff
      ? feedWalks(ctx.actor as TStaffActor, ZTicketFeedInput.parse({ status: 'all' }))
      : listWalks(ctx.actor as TContactActor, ZListTicketsInput.parse({ scope: 'company', status: 'all' }));
    // Which of the test's tickets this person sees, newest update first (the staff feed without a search).
    const feed = feedWalks((await asDemoUser(base, 'tech@demo-msp.test')).actor as TStaffActor, ZTicketFeedInput.parse({ status: 'all' }));
    const visible = (await pageAll(feed, '', true, 0)).filter((id) => docs.has(id) && sees[email]!(id));
    expect(visible.length).toBeGreaterThan(5);
    expect((await pageAll(walks, '', staff, 0)).filter((id) => docs.has(id))).toEqual(visible);
    let found = 0;
    for (const search of SEARCHES) {
      const expected = visible.filter((id) => docs.get(id)!.some((d) => (staff || !d.internal) && textMatches(d.text, search)));
      const fromHits = (await pageAll(walks, search, staff, 1_000_000)).filter((id) => docs.has(id));
      const walking = (await pageAll(walks, search, staff, 0)).filter((id) => docs.has(id));
      expect(fromHits, `"${search}" from the hits`).toEqual(expected);
      expect(walking, `"${search}" walking`).toEqual(expected);
      // As the services search: PostgreSQL tests the newest tickets one by one first.
      expect((await pageAll(walks, search, staff, undefined)).filter((id) => docs.has(id)), `"${search}" as the services do`).toEqual(expected);
      found += expected.length;
    }
    expect(found).toBeGreaterThan(10);
  });

  it('keeps internal notes out of a contact\'s search both ways', async () => {
    const noteOnly = [...docs.entries()].find(([, d]) => d.some((x) => x.internal))!;
    const note = noteOnly[1].find((x) => x.internal)!.text;
    const ctx = await asDemoUser(base, 'primary@acme-dental.test');
    const walks = listWalks(ctx.actor as TContactActor, ZListTicketsInput.parse({ scope: 'company', status: 'all' }));
    const unique = `${note}`;
    for (const directLimit of [0, 1_000_000, undefined]) {
      const ids = await pageAll(walks, unique, false, directLimit);
      for (const id of ids) expect(docs.get(id)?.some((d) => !d.internal && textMatches(d.text, unique)) ?? true).toBe(true);
    }
  });

  it('finds a word one ticket in a hundred carries, as the services search (a second, larger window on PostgreSQL)', async () => {
    const staff = await asDemoUser(base, 'tech@demo-msp.test');
    const sample = (await base.db.select().from(tickets).limit(1))[0]!;
    const start = Date.UTC(2025, 0, 1);
    const rows = Array.from({ length: 800 }, (_, i) => ({
      providerId: sample.providerId,
      number: 900_000 + i,
      companyId: sample.companyId,
      requesterContactId: sample.requesterContactId,
      subject: `Sparse ${i}`,
      description: i % 100 === 37 ? 'The sparseword shows up here.' : 'Nothing to see.',
      priority: 'low' as const,
      status: 'open' as const,
      source: 'portal' as const,
      createdAt: new Date(start + i * 60_000),
      updatedAt: new Date(start + i * 60_000),
    }));
    const ids = (await base.db.insert(tickets).values(rows).returning({ id: tickets.id, description: tickets.description })).filter((r) => r.description.includes('sparseword')).map((r) => r.id);
    const walks = feedWalks(staff.actor as TStaffActor, ZTicketFeedInput.parse({ status: 'all' }));
    const expected = [...ids].reverse(); // inserted oldest first
    for (const directLimit of [undefined, 0, 1_000_000]) {
      const found: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await runTicketPage(base.db, walks, { cursor, limit: 2 }, { text: 'sparsewo', includeInternal: true, directLimit });
        found.push(...page.items.map((t) => t.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(found, `directLimit ${directLimit}`).toEqual(expected);
    }
  });
});
