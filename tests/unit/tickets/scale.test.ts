import { count, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeDatabase, rawRows } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { companies, contacts, staffMembers } from '../../../db/schema/people';
import { tickets } from '../../../db/schema/tickets';
import { seedDemo } from '../../../server/seed/demo-people';
import type { ServiceContext } from '../../../server/core/context';
import { feedWalks, ticketFeed } from '../../../server/tickets/ticket-feed';
import { listTickets, listWalks } from '../../../server/tickets/list-tickets';
import { ZListTicketsInput, ZTicketFeedInput } from '../../../server/tickets/schemas';
import { encodeTicketCursor } from '../../../server/tickets/ticket-cursor';
import { ticketPageQueries, type TListWalks, type TPageInput, type TSearchInput } from '../../../server/tickets/ticket-page';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * Scale check without timing: 100k tickets, then EXPLAIN QUERY PLAN of the list and feed
 * queries must walk an index of tickets, never scan the table.
 */
let base: ServiceContext;
let cleanup: () => Promise<void>;
const TOTAL = 100_000;

beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  const db = base.db;
  const companyRows = await db.select({ id: companies.id, providerId: companies.providerId }).from(companies);
  // As in a real company, each person raised a small share of its tickets: 40 more people each.
  await db.insert(contacts).values(
    companyRows.flatMap((c) =>
      Array.from({ length: 40 }, (_, n) => ({ companyId: c.id, name: `Bulk person ${n}`, email: `bulk${n}@company${c.id}.test`, types: ['standard' as const], createdAt: new Date() })),
    ),
  );
  const contactsOf = new Map<number, number[]>();
  for (const c of await db.select({ id: contacts.id, companyId: contacts.companyId }).from(contacts)) {
    contactsOf.set(c.companyId, [...(contactsOf.get(c.companyId) ?? []), c.id]);
  }
  const staff = (await db.select({ id: staffMembers.id }).from(staffMembers)).map((s) => s.id);
  const start = (await db.select({ n: max(tickets.number) }).from(tickets))[0]!.n! + 1;
  const statuses = ['open', 'in_progress', 'waiting_on_client', 'waiting_on_vendor', 'closed', 'closed', 'closed'] as const;
  const priorities = ['low', 'medium', 'high'] as const;
  await db.transaction(async (tx) => {
    for (let from = 0; from < TOTAL; from += 1000) {
      const rows = [];
      for (let i = from; i < Math.min(TOTAL, from + 1000); i++) {
        const company = companyRows[i % companyRows.length]!;
        const people = contactsOf.get(company.id)!;
        const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
        rows.push({
          providerId: company.providerId,
          number: start + i,
          companyId: company.id,
          requesterContactId: people[i % people.length]!,
          subject: `Bulk ticket ${i}`,
          description: `Generated for the scale check, item ${i}.`,
          priority: priorities[i % 3]!,
          status: statuses[i % statuses.length]!,
          source: 'portal' as const,
          assigneeStaffId: i % 4 === 0 ? null : staff[i % staff.length]!,
          createdAt: at,
          updatedAt: at,
        });
      }
      await tx.insert(tickets).values(rows);
    }
  });
  // PostgreSQL plans by statistics (autovacuum keeps them in production); SQLite runs without.
  if (ENGINE === 'pg') await analyzeDatabase(db);
}, 600_000);
afterAll(() => cleanup());

/** The query plan, one line per step (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN). */
async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string[]> {
  const { sql, params } = query.toSQL();
  if (ENGINE === 'sqlite') return (await rawRows<{ detail: string }>(base.db, `explain query plan ${sql}`, params)).map((r) => r.detail);
  return (await rawRows<{ 'QUERY PLAN': string }>(base.db, `explain ${sql}`, params)).map((r) => r['QUERY PLAN']);
}

/** The plans of every query of a page (one per walk), each a list of lines. */
async function pagePlans(walks: TListWalks, page: TPageInput, search: TSearchInput): Promise<string[][]> {
  const queries = await ticketPageQueries(base.db, walks, page, search);
  expect(queries, 'a page that needs no query').not.toBeNull();
  return await Promise.all(queries!.map(plan));
}

/**
 * Every step that reads `tickets` goes through an index (or the primary key), none scans
 * it. PostgreSQL picks among the indexes by statistics, so there the test asks for an index
 * walk of tickets (a cursor page's keyset in its condition), not a named index. A search
 * that walks the list (words most tickets contain) tests each ticket through
 * ticket_search's index on ticket_id; one with few hits reads them first (search ways:
 * server/tickets/ticket-search.ts).
 */
function expectIndexed(lines: string[], opts: { searching?: 'hits' | 'walk' | undefined; cursor?: boolean } = {}) {
  const all = lines.join('\n');
  if (process.env.SHOW_PLAN) console.log(all);
  if (ENGINE === 'pg') {
    expect(all).not.toMatch(/Seq Scan on tickets\b/);
    expect(all).toMatch(/(Index (Only )?Scan (Backward )?using \w+|Bitmap Index Scan on tickets_\w+|Bitmap Heap Scan) on tickets\b|Bitmap Index Scan on tickets_/);
    if (opts.searching === 'walk') expect(all).toMatch(/SubPlan[\s\S]*Index Scan using ticket_search_ticket on ticket_search/);
    if (opts.cursor) expect(all).toMatch(/ROW\(updated_at, id\) < ROW\(/);
    return;
  }
  if (opts.searching === 'walk') expect(all).toMatch(/ticket_search VIRTUAL TABLE/);
  const onTickets = lines.filter((l) => /\btickets\b/.test(l));
  expect(onTickets.length, all).toBeGreaterThan(0);
  for (const l of onTickets) expect(l, all).toMatch(/^SEARCH tickets USING (COVERING )?(INDEX|INTEGER PRIMARY KEY)/);
}

/** The way the cases below search: "bulk" is in every test ticket, the rest in few. */
const searchWay = (search: string | undefined) => (!search ? undefined : /^bulk$|^bulk ticket$/.test(search) ? 'walk' : 'hits');

const cursor = encodeTicketCursor({ updatedAt: Date.UTC(2024, 1, 1), id: 50_000 });
const PK = ENGINE === 'pg' ? 'tickets_pkey' : 'INTEGER PRIMARY KEY';

describe('ticket lists at 100k tickets', () => {
  it('holds 100k tickets', async () => {
    expect((await base.db.select({ n: count() }).from(tickets))[0]!.n).toBeGreaterThanOrEqual(TOTAL);
  });

  it.each([
    ['primary@acme-dental.test', { scope: 'company' }, 'tickets_company_active'],
    ['primary@acme-dental.test', { scope: 'company', status: 'closed' }, 'tickets_company_updated'],
    ['technical@acme-dental.test', { scope: 'company', status: 'all', cursor }, 'tickets_company_updated'],
    ['technical@acme-dental.test', { scope: 'company', search: 'bulk 77' }, PK],
    ['standard@acme-dental.test', { scope: 'company' }, 'tickets_requester_active'],
    ['standard@acme-dental.test', { scope: 'mine', status: 'all', cursor }, 'tickets_requester_updated'],
    ['standard@acme-dental.test', { scope: 'mine', search: 'printer' }, PK],
    ['admin@demo-msp.test', { status: 'all' }, 'tickets_provider_updated'],
    ['primary@acme-dental.test', { scope: 'company', status: 'all', search: 'bulk' }, 'tickets_company_updated'],
    ['standard@acme-dental.test', { scope: 'mine', search: 'bulk' }, 'tickets_requester_active'],
  ] as const)('the portal list for %s %j walks %s', async (email, input, index) => {
    const ctx = await asDemoUser(base, email);
    const q = ZListTicketsInput.parse(input);
    const plans = await pagePlans(listWalks(ctx.actor as never, q), q, { text: q.search, includeInternal: false });
    for (const lines of plans) expectIndexed(lines, { searching: searchWay(q.search), cursor: !!q.cursor });
    if (ENGINE === 'sqlite') expect(plans[0]!.join('\n')).toContain(index);
  });

  it.each([
    [{}, 'tickets_provider_active'],
    [{ status: 'all' }, 'tickets_provider_updated'],
    [{ status: 'open' }, 'tickets_provider_status_updated'],
    [{ status: 'all', cursor }, 'tickets_provider_updated'],
    [{ assignee: 'mine' }, 'tickets_assignee_active'],
    [{ assignee: 'unassigned', status: 'all' }, 'tickets_provider_updated'],
    [{ priority: 'high' }, 'tickets_provider_active'],
    [{ companyId: 1, status: 'all', assignee: 'mine' }, 'tickets_company_updated'],
    [{ search: 'bulk ticket 42', companyId: 1 }, PK],
    [{ search: 'bulk ticket', status: 'all' }, 'tickets_provider_updated'],
    [{ search: 'bulk', assignee: 'mine' }, 'tickets_assignee_active'],
  ] as const)('the staff feed %j walks %s', async (input, index) => {
    const ctx = await asDemoUser(base, 'tech@demo-msp.test');
    const q = ZTicketFeedInput.parse(input);
    const plans = await pagePlans(feedWalks(ctx.actor as never, q), q, { text: q.search, includeInternal: true });
    for (const lines of plans) expectIndexed(lines, { searching: searchWay(q.search), cursor: !!q.cursor });
    if (ENGINE === 'sqlite') expect(plans[0]!.join('\n')).toContain(index);
  });

  it('still answers correctly at this size (a full page and a next cursor)', async () => {
    const page = await listTickets(await asDemoUser(base, 'primary@acme-dental.test'), { scope: 'company', status: 'all', limit: 50 });
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).toBeTruthy();
    const next = await listTickets(await asDemoUser(base, 'primary@acme-dental.test'), { scope: 'company', status: 'all', limit: 50, cursor: page.nextCursor! });
    expect(next.items[0]!.updatedAt).toBeLessThanOrEqual(page.items[49]!.updatedAt);
    expect(new Set([...page.items, ...next.items].map((t) => t.id)).size).toBe(100);
    const hits = (await ticketFeed(await asDemoUser(base, 'tech@demo-msp.test'), { search: 'item 4242', status: 'all' })).items;
    expect(hits.map((t) => t.subject)).toContain('Bulk ticket 4242');
  });
});
