import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { ticketPresence } from '../../db/schema/presence';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';

/*
 * Presence shared by the nodes on one PostgreSQL database. A heartbeat is one upsert of the
 * staff member's row; only a join, a state change or a leave (as the row was before) also
 * commits an event, which every node's bus publishes (event-relay.ts), so nodes following
 * that ticket apply it. A node that dies stops writing heartbeats: its rows' `seen_at` ages,
 * and the other nodes drop them 30 s after it (they read `seen_at` again before they do).
 */

export type TSharedState = 'viewing' | 'typing' | 'left';
export interface TSharedEntry {
  staffId: number;
  name: string;
  state: TSharedState;
  /** Milliseconds: the heartbeat's time, or the leave's. */
  seenAt: number;
}
export interface TPresenceShare {
  /** Writes a heartbeat or a leave; announces it when it changes what others see. */
  write(ticketId: number, entry: TSharedEntry, ttlMs: number): Promise<void>;
  /** The rows of these tickets (live or not). */
  read(ticketIds: readonly number[]): Promise<Array<TSharedEntry & { ticketId: number }>>;
  /** Changes announced on a ticket, by any node. */
  follow(ticketId: number, apply: (entry: TSharedEntry) => void): () => void;
}

export const presenceTopic = (ticketId: number): string => `presence:${ticketId}`;
const CHANGED = 'presence.changed';

export function sharePresence(ctx: ServiceContext): TPresenceShare {
  const { db, bus } = ctx;
  return {
    async write(ticketId, entry, ttlMs) {
      let changed: boolean;
      if (entry.state === 'left') {
        const gone = await db.delete(ticketPresence).where(and(eq(ticketPresence.ticketId, ticketId), eq(ticketPresence.staffId, entry.staffId))).returning({ s: ticketPresence.staffId });
        changed = gone.length > 0;
      } else {
        // The row as it was, read in the upsert's own snapshot: one statement per heartbeat.
        const { rows } = await db.execute<{ prev_state: string | null; prev_ms: number | null }>(sql`
          with prev as (select state, seen_at from ticket_presence where ticket_id = ${ticketId} and staff_id = ${entry.staffId})
          insert into ticket_presence (ticket_id, staff_id, name, state, seen_at)
          values (${ticketId}, ${entry.staffId}, ${entry.name}, ${entry.state}, ${new Date(entry.seenAt).toISOString()})
          on conflict (ticket_id, staff_id) do update set name = excluded.name, state = excluded.state, seen_at = excluded.seen_at
          returning (select state from prev) as prev_state, (select (extract(epoch from seen_at) * 1000)::float8 from prev) as prev_ms`);
        const prev = rows[0]!;
        changed = prev.prev_state !== entry.state || prev.prev_ms === null || entry.seenAt - Number(prev.prev_ms) >= ttlMs;
      }
      if (changed) await unitOfWork(ctx, (_tx, emit) => emit(presenceTopic(ticketId), CHANGED, { ...entry }));
    },
    async read(ticketIds) {
      if (!ticketIds.length) return [];
      const rows = await db.select().from(ticketPresence).where(inArray(ticketPresence.ticketId, [...ticketIds]));
      return rows.map((r) => ({ ticketId: r.ticketId, staffId: r.staffId, name: r.name, state: r.state, seenAt: r.seenAt.getTime() }));
    },
    follow(ticketId, apply) {
      return bus.on(presenceTopic(ticketId), (e) => {
        if (e.kind === CHANGED) apply(e.payload as unknown as TSharedEntry);
      });
    },
  };
}

/** Deletes rows no heartbeat has kept (any node may; nobody sees them any more). */
export async function sweepPresence(db: TDb, now: Date, ttlMs: number): Promise<void> {
  await db.delete(ticketPresence).where(lt(ticketPresence.seenAt, new Date(now.getTime() - ttlMs)));
}
