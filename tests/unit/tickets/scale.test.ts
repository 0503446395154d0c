import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import type { ServiceContext } from '../../../server/core/context';
import { feedConditions, ticketFeed } from '../../../server/tickets/ticket-feed';
import { listConditions, listTickets } from '../../../server/tickets/list-tickets';
import { ZListTicketsInput, ZTicketFeedInput } from '../../../server/tickets/schemas';
import { encodeTicketCursor } from '../../../server/tickets/ticket-cursor';
import { ticketPageQuery } from '../../../server/tickets/ticket-page';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

/*
 * Scale check without timing: 100k tickets, then EXPLAIN QUERY PLAN of the list and feed
 * queries must walk an index of tickets, never scan the table.
 */
let base: ServiceContext;
let cleanup: () => void;
const TOTAL = 100_000;

beforeAll(async () => {
  ({ ctx: base, cleanup } = freshContext());
  await seedDemo(base);
  const db = base.db.$client;
  const companies = db.prepare('select id, provider_id as providerId from companies').all() as { id: number; providerId: number }[];
  const contactsOf = new Map<number, number[]>();
  for (const c of db.prepare('select id, company_id as companyId from contacts').all() as { id: number; companyId: number }[]) {
    contactsOf.set(c.companyId, [...(contactsOf.get(c.companyId) ?? []), c.id]);
  }
  const staff = (db.prepare('select id from staff_members').all() as { id: number }[]).map((s) => s.id);
  const start = (db.prepare('select max(number) as n from tickets').get() as { n: number }).n + 1;
  const insert = db.prepare(
    `insert into tickets (provider_id, number, company_id, requester_contact_id, subject, description, priority, status, source, assignee_staff_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'portal', ?, ?, ?)`,
  );
  const statuses = ['open', 'in_progress', 'waiting_on_client', 'waiting_on_vendor', 'closed', 'closed', 'closed'];
  const priorities = ['low', 'medium', 'high'];
  db.transaction(() => {
    for (let i = 0; i < TOTAL; i++) {
      const company = companies[i % companies.length]!;
      const people = contactsOf.get(company.id)!;
      const at = Date.UTC(2024, 0, 1) + i * 60_000;
      insert.run(
        company.providerId,
        start + i,
        company.id,
        people[i % people.length]!,
        `Bulk ticket ${i}`,
        `Generated for the scale check, item ${i}.`,
        priorities[i % 3]!,
        statuses[i % statuses.length]!,
        i % 4 === 0 ? null : staff[i % staff.length]!,
        at,
        at,
      );
    }
  })();
}, 300_000);
afterAll(() => cleanup());

function plan(query: { toSQL(): { sql: string; params: unknown[] } }): string[] {
  const { sql, params } = query.toSQL();
  return (base.db.$client.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** Every step that reads `tickets` goes through an index (or the rowid), none scans it. */
function expectIndexed(lines: string[]) {
  const onTickets = lines.filter((l) => /\btickets\b/.test(l));
  expect(onTickets.length, lines.join('\n')).toBeGreaterThan(0);
  for (const l of onTickets) expect(l, lines.join('\n')).toMatch(/^SEARCH tickets USING (COVERING )?(INDEX|INTEGER PRIMARY KEY)/);
}

const cursor = encodeTicketCursor({ updatedAt: Date.UTC(2024, 1, 1), id: 50_000 });
const PK = 'INTEGER PRIMARY KEY';

describe('ticket lists at 100k tickets', () => {
  it('holds 100k tickets', () => {
    expect((base.db.$client.prepare('select count(*) as n from tickets').get() as { n: number }).n).toBeGreaterThanOrEqual(TOTAL);
  });

  it.each([
    ['primary@acme-dental.test', { scope: 'company' }, 'tickets_company_updated'],
    ['primary@acme-dental.test', { scope: 'company', status: 'closed' }, 'tickets_company_updated'],
    ['technical@acme-dental.test', { scope: 'company', status: 'all', cursor }, 'tickets_company_updated'],
    ['technical@acme-dental.test', { scope: 'company', search: 'bulk 77' }, PK],
    ['standard@acme-dental.test', { scope: 'company' }, 'tickets_requester_updated'],
    ['standard@acme-dental.test', { scope: 'mine', status: 'all', cursor }, 'tickets_requester_updated'],
    ['standard@acme-dental.test', { scope: 'mine', search: 'printer' }, PK],
    ['admin@demo-msp.test', { status: 'all' }, 'tickets_provider_updated'],
  ] as const)('the portal list for %s %j walks %s', (email, input, index) => {
    const ctx = asDemoUser(base, email);
    const q = ZListTicketsInput.parse(input);
    const lines = plan(ticketPageQuery(base.db, listConditions(ctx.actor as never, q), q));
    expectIndexed(lines);
    expect(lines.join('\n')).toContain(index);
  });

  it.each([
    [{}, 'tickets_provider_updated'],
    [{ status: 'all' }, 'tickets_provider_updated'],
    [{ status: 'open' }, 'tickets_provider_status_updated'],
    [{ status: 'all', cursor }, 'tickets_provider_updated'],
    [{ assignee: 'mine' }, 'tickets_assignee_updated'],
    [{ assignee: 'unassigned', status: 'all' }, 'tickets_provider_updated'],
    [{ priority: 'high' }, 'tickets_provider_updated'],
    [{ companyId: 1, status: 'all', assignee: 'mine' }, 'tickets_company_updated'],
    [{ search: 'bulk ticket 42', companyId: 1 }, PK],
  ] as const)('the staff feed %j walks %s', (input, index) => {
    const ctx = asDemoUser(base, 'tech@demo-msp.test');
    const q = ZTicketFeedInput.parse(input);
    const lines = plan(ticketPageQuery(base.db, feedConditions(ctx.actor as never, q), q));
    expectIndexed(lines);
    expect(lines.join('\n')).toContain(index);
  });

  it('still answers correctly at this size (a full page and a next cursor)', () => {
    const page = listTickets(asDemoUser(base, 'primary@acme-dental.test'), { scope: 'company', status: 'all', limit: 50 });
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).toBeTruthy();
    const next = listTickets(asDemoUser(base, 'primary@acme-dental.test'), { scope: 'company', status: 'all', limit: 50, cursor: page.nextCursor! });
    expect(next.items[0]!.updatedAt).toBeLessThanOrEqual(page.items[49]!.updatedAt);
    expect(new Set([...page.items, ...next.items].map((t) => t.id)).size).toBe(100);
    const hits = ticketFeed(asDemoUser(base, 'tech@demo-msp.test'), { search: 'item 4242', status: 'all' }).items;
    expect(hits.map((t) => t.subject)).toContain('Bulk ticket 4242');
  });
});
