import { and, desc, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ENGINE } from '../../db/engine';
import { tickets, type TTicketStatus } from '../../db/schema/tickets';
import type { TTicketSummary } from './events';
import { decodeTicketCursor, encodeTicketCursor } from './ticket-cursor';
import { toTsQuery } from './search-query';
import { pgTicketMatches, planTicketSearch, type TSearchPlan } from './ticket-search';
import { loadTicketSummaries } from './ticket-summary';

/** A list row: the ticket's summary; `id` repeats `ticketId` under the name pages link by. */
export type TTicketListItem = TTicketSummary & { id: number };
export type TTicketPage = { items: TTicketListItem[]; nextCursor: string | null };

/** One walk of tickets: its conditions, ANDed. */
export type TWalk = (SQL | undefined)[];
/**
 * The walks a list is made of (most lists one; a Standard contact's "mine" two: raised and
 * watched, merged). `searchDriven`: a search's hits drive the read, so no filter may
 * (each says eqNoIndex instead).
 */
export type TListWalks = (searchDriven: boolean) => TWalk[];
export type TPageInput = { cursor?: string | undefined; limit: number };
/** `directLimit` forces one way of searching (tests of both ways); see ticket-search.ts. */
export type TSearchInput = { text: string | undefined; includeInternal: boolean; directLimit?: number };

/**
 * `column = value` that SQLite may not use an index for (unary +). The list queries say
 * this for every filter but the one whose index should drive the walk; without table
 * statistics SQLite's planner would otherwise pick any equality, e.g. walk all of a
 * provider's tickets to find one company's. PostgreSQL plans from statistics: a plain `=`.
 */
export const eqNoIndex = (column: Column, value: number): SQL => (ENGINE === 'pg' ? sql`${column} = ${value}` : sql`+${column} = ${value}`);

/** "active" is written as the partial indexes' condition (db/schema/tickets.ts), a literal, so they serve it. */
export function statusCondition(status: TTicketStatus | 'active' | 'all'): SQL | undefined {
  if (status === 'all') return undefined;
  return status === 'active' ? sql`${tickets.status} <> 'closed'` : eq(tickets.status, status);
}

/**
 * One walk's page, newest update first, keyset on (updated_at, id): each filter has an
 * index that ends in (updated_at, id), so the database walks it in order and stops after
 * `limit` rows however many tickets there are.
 */
export function ticketPageQuery(db: TDb, conditions: TWalk, page: TPageInput) {
  const after = page.cursor ? decodeTicketCursor(page.cursor) : null;
  // The cursor's time bound as the column binds a Date (milliseconds on SQLite, a timestamp on PostgreSQL).
  const keyset = after ? sql`(${tickets.updatedAt}, ${tickets.id}) < (${sql.param(new Date(after.updatedAt), tickets.updatedAt)}, ${after.id})` : undefined;
  return db
    .select({ id: tickets.id, updatedAt: tickets.updatedAt })
    .from(tickets)
    .where(and(...conditions, keyset))
    .orderBy(desc(tickets.updatedAt), desc(tickets.id))
    .limit(page.limit + 1);
}

/** The queries of a page (one per walk), the search's hits or per-ticket test added; null when no ticket can match. */
export async function ticketPageQueries(db: TDb, walks: TListWalks, page: TPageInput, search?: TSearchInput) {
  const plan: TSearchPlan | null = search ? await planTicketSearch(db, search.text, search.includeInternal, search.directLimit) : null;
  if (plan?.kind === 'ids' && !plan.ids.length) return null;
  const matching = !plan ? undefined : plan.kind === 'ids' ? inArray(tickets.id, plan.ids) : plan.condition;
  return walks(plan?.kind === 'ids').map((walk) => ticketPageQuery(db, [...walk, matching], page));
}

/**
 * PostgreSQL, a search in a one-walk list: the newest FIRST_WINDOW tickets of the list are
 * tested first, one by one through ticket_search's ticket index; words that many tickets
 * contain fill the page there, without reading their hits from the words' index at all.
 * When some matched but too few, a second window as large as their share says the page
 * needs (up to LAST_WINDOW) is tried before the words' index.
 */
const FIRST_WINDOW = 200;
const LAST_WINDOW = 2000;

async function pgFirstWindow(db: TDb, walk: TWalk, page: TPageInput, search: TSearchInput): Promise<TRow[] | null> {
  const query = toTsQuery(search.text);
  if (!query) return null;
  const tested = async (size: number) => {
    const newest = ticketPageQuery(db, walk, { cursor: page.cursor, limit: size - 1 }).as('newest');
    return await db
      .select({ id: newest.id, updatedAt: newest.updatedAt })
      .from(newest)
      .where(pgTicketMatches(newest.id, query, search.includeInternal))
      .orderBy(desc(newest.updatedAt), desc(newest.id))
      .limit(page.limit + 1);
  };
  const first = await tested(FIRST_WINDOW);
  if (first.length > page.limit) return first;
  if (!first.length) return null;
  const size = Math.ceil((FIRST_WINDOW * (page.limit + 1) * 1.5) / first.length);
  if (size > LAST_WINDOW) return null;
  const second = await tested(size);
  return second.length > page.limit ? second : null;
}

export async function runTicketPage(db: TDb, walks: TListWalks, page: TPageInput, search?: TSearchInput): Promise<TTicketPage> {
  const single = search && ENGINE === 'pg' && search.directLimit === undefined ? walks(false) : [];
  const first = single.length === 1 ? await pgFirstWindow(db, single[0]!, page, search!) : null;
  if (first) return await pageOf(db, first, page);
  const queries = await ticketPageQueries(db, walks, page, search);
  if (!queries) return { items: [], nextCursor: null };
  return await pageOf(db, mergeNewestFirst(await Promise.all(queries.map(async (q) => await q))), page);
}

/** The page of the first `limit` rows (sorted), with the cursor of the next when there are more. */
async function pageOf(db: TDb, rows: TRow[], page: TPageInput): Promise<TTicketPage> {
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    items: (await loadTicketSummaries(db, shown.map((r) => r.id))).map((s) => ({ ...s, id: s.ticketId })),
    nextCursor: more && last ? encodeTicketCursor({ updatedAt: last.updatedAt.getTime(), id: last.id }) : null,
  };
}

type TRow = { id: number; updatedAt: Date };
/** The walks' pages as one: newest update first, each ticket once. */
function mergeNewestFirst(pages: TRow[][]): TRow[] {
  if (pages.length === 1) return pages[0]!;
  const byId = new Map<number, TRow>();
  for (const row of pages.flat()) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id - a.id);
}
