import { inArray, sql, type Column, type SQL } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ENGINE } from '../../db/engine';
import { tickets } from '../../db/schema/tickets';
import { toFtsQuery, toTsQuery, toTsWholeWords } from './search-query';

/**
 * How a list finds the tickets a search matches, newest update first, in two ways:
 * - `ids`: few tickets match (up to `directLimit`): they are read from the search index
 *   and the page is sorted out of them;
 * - `walk`: many match: the list walks its own index newest-first (company, requester,
 *   provider …) and keeps the tickets that match, stopping when the page is full, so a
 *   word in most tickets costs no more than a short walk.
 * A search index hit names its ticket without reading the ticket (SQLite: the rowid,
 * db/migrations/sqlite/0018; PostgreSQL: ticket_search.ticket_id, indexed).
 */
export type TSearchPlan = { kind: 'ids'; ids: number[] } | { kind: 'walk'; condition: SQL };

/** Up to this many matching tickets are paged directly; above it the list walks its own index. */
export const DIRECT_LIMIT = 2000;

/** Null when there is nothing searchable in `search`. Internal notes count only for staff. */
export async function planTicketSearch(db: TDb, search: string | undefined, includeInternal: boolean, directLimit = DIRECT_LIMIT): Promise<TSearchPlan | null> {
  return ENGINE === 'pg' ? await planPg(db, search, includeInternal, directLimit) : await planSqlite(db, search, includeInternal, directLimit);
}

async function planSqlite(db: TDb, search: string | undefined, includeInternal: boolean, directLimit: number): Promise<TSearchPlan | null> {
  const fts = toFtsQuery(search);
  if (!fts) return null;
  const matching = (query: string) => (includeInternal ? sql`ticket_search match ${query}` : sql`ticket_search match ${query} and (rowid & 1) = 0`);
  // Hits come in rowid order, so distinct tickets stream out and the limit stops the read early.
  const ticketsMatching = async (query: string) =>
    await db
      .selectDistinct({ id: sql<number>`rowid >> 32`.mapWith(Number) })
      .from(sql`ticket_search`)
      .where(matching(query))
      .limit(directLimit + 1);
  // Unary + keeps the list's own index driving the walk; the hits become a set it probes.
  const walk: TSearchPlan = { kind: 'walk', condition: sql`+${tickets.id} in (select rowid >> 32 from ticket_search where ${matching(fts)})` };
  // The last word taken whole first: its hits are some of the full query's, found without
  // expanding the prefix; when they alone are too many, so are the full query's.
  const exact = toFtsQuery(search, undefined, false)!;
  if ((await ticketsMatching(exact)).length > directLimit) return walk;
  const hits = await ticketsMatching(fts);
  return hits.length <= directLimit ? { kind: 'ids', ids: hits.map((h) => h.id) } : walk;
}

/**
 * PostgreSQL: the test a walk applies to each ticket, whether any of its entries matches.
 * A scalar subquery with LIMIT stays a per-row test (never turned into a join over every
 * hit), so the walk stops as soon as the page is full.
 */
export function pgTicketMatches(ticketId: SQL | Column, query: string, includeInternal: boolean): SQL {
  return sql`(select true from ticket_search s where s.ticket_id = ${ticketId} and s.words @@ to_tsquery('portico_search', ${query})${includeInternal ? sql`` : sql` and not s.internal`} limit 1)`;
}

async function planPg(db: TDb, search: string | undefined, includeInternal: boolean, directLimit: number): Promise<TSearchPlan | null> {
  const query = toTsQuery(search);
  if (!query) return null;
  const matches = sql`words @@ to_tsquery('portico_search', ${query})${includeInternal ? sql`` : sql` and not internal`}`;
  const walk: TSearchPlan = { kind: 'walk', condition: pgTicketMatches(tickets.id, query, includeInternal) };
  // The whole words first, when there are any besides the prefix: GIN expands a prefix into
  // every word it starts ("offline" → offline, offline's, offlined …), which costs more than
  // the whole words when they are few; their entries are then tested against the full query.
  const whole = toTsWholeWords(search);
  if (whole) {
    const entries = await db
      .select({ key: sql<string>`key` })
      .from(sql`ticket_search`)
      .where(sql`words @@ to_tsquery('portico_search', ${whole})`)
      .limit(directLimit + 1);
    if (entries.length > directLimit) return walk;
    if (!entries.length) return { kind: 'ids', ids: [] };
    const hits = await db
      .select({ id: sql<number>`ticket_id` })
      .from(sql`ticket_search`)
      .where(sql`${inArray(sql`key`, entries.map((e) => e.key))} and ${matches}`);
    return { kind: 'ids', ids: [...new Set(hits.map((h) => h.id))] };
  }
  // Entries, not tickets (DISTINCT would read every hit before the limit); deduplicated here.
  const hits = await db
    .select({ id: sql<number>`ticket_id` })
    .from(sql`ticket_search`)
    .where(matches)
    .limit(directLimit + 1);
  return hits.length <= directLimit ? { kind: 'ids', ids: [...new Set(hits.map((h) => h.id))] } : walk;
}
