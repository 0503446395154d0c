import { and, desc, eq, ne, sql, type Column, type SQL } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ENGINE } from '../../db/engine';
import { tickets, type TTicketStatus } from '../../db/schema/tickets';
import type { TTicketSummary } from './events';
import { toFtsQuery, toTsQuery } from './search-query';
import { decodeTicketCursor, encodeTicketCursor } from './ticket-cursor';
import { loadTicketSummaries } from './ticket-summary';

/** A list row: the ticket's summary; `id` repeats `ticketId` under the name pages link by. */
export type TTicketListItem = TTicketSummary & { id: number };
export type TTicketPage = { items: TTicketListItem[]; nextCursor: string | null };

/**
 * `column = value` that SQLite may not use an index for (unary +). The list queries say
 * this for every filter but the one whose index should drive the walk; without table
 * statistics SQLite's planner would otherwise pick any equality, e.g. walk all of a
 * provider's tickets to find one company's. PostgreSQL plans from statistics: a plain `=`.
 */
export const eqNoIndex = (column: Column, value: number): SQL => (ENGINE === 'pg' ? sql`${column} = ${value}` : sql`+${column} = ${value}`);

export function statusCondition(status: TTicketStatus | 'active' | 'all'): SQL | undefined {
  if (status === 'all') return undefined;
  return status === 'active' ? ne(tickets.status, 'closed') : eq(tickets.status, status);
}

/** Tickets whose text (or a comment's) matches; internal notes only count for staff. */
export function searchCondition(search: string | undefined, includeInternal: boolean): SQL | undefined {
  if (ENGINE === 'pg') {
    const query = toTsQuery(search);
    if (!query) return undefined;
    const words = sql`words @@ to_tsquery('portico_search', ${query})`;
    return includeInternal
      ? sql`${tickets.id} in (select ticket_id from ticket_search where ${words})`
      : sql`${tickets.id} in (select ticket_id from ticket_search where ${words} and not internal)`;
  }
  const fts = toFtsQuery(search);
  if (!fts) return undefined;
  return includeInternal
    ? sql`${tickets.id} in (select ticket_id from ticket_search where ticket_search match ${fts})`
    : sql`${tickets.id} in (select ticket_id from ticket_search where ticket_search match ${fts} and internal = 0)`;
}

/**
 * One page, newest update first, keyset on (updated_at, id): each filter has an index
 * that ends in updated_at (the rowid follows implicitly), so SQLite walks it in order and
 * stops after `limit` rows however many tickets there are.
 */
export function ticketPageQuery(db: TDb, conditions: (SQL | undefined)[], page: { cursor?: string; limit: number }) {
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

export async function runTicketPage(db: TDb, conditions: (SQL | undefined)[], page: { cursor?: string; limit: number }): Promise<TTicketPage> {
  const rows = (await ticketPageQuery(db, conditions, page));
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    items: (await loadTicketSummaries(db, shown.map((r) => r.id))).map((s) => ({ ...s, id: s.ticketId })),
    nextCursor: more && last ? encodeTicketCursor({ updatedAt: last.updatedAt.getTime(), id: last.id }) : null,
  };
}
