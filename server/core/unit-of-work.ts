import { sql } from 'drizzle-orm';
import { events, type TEventRow } from '../../db/schema/events';
import type { TDb } from '../../db/client';
import type { ServiceContext } from './context';
import { p, preparedQueries } from './prepared';

export type TTx = Parameters<Parameters<TDb['transaction']>[0]>[0];
export type TEmit = (topic: string | readonly string[], kind: string, payload: Record<string, unknown>) => void;

const queries = preparedQueries((db) => ({
  // The payload goes in as JSON made once per emit (not once per topic), and only the id comes back.
  insertEvent: db
    .insert(events)
    .values({ topic: p('topic'), kind: p('kind'), payload: sql`${p('payloadJson')}`, createdAt: p('createdAt') })
    .returning({ id: events.id })
    .prepare(),
}));

/**
 * Runs `work` in one synchronous SQLite transaction (better-sqlite3 cannot await inside
 * one), appends the events it emits to the durable log in the same transaction, and
 * publishes them on the bus only after the commit succeeded.
 */
export function unitOfWork<T>(ctx: ServiceContext, work: (tx: TTx, emit: TEmit) => T): T {
  const written: TEventRow[] = [];
  const result = ctx.db.transaction((tx) => {
    const createdAt = ctx.clock.now();
    const { insertEvent } = queries(tx);
    const emit: TEmit = (topic, kind, payload) => {
      const payloadJson = JSON.stringify(payload);
      for (const t of typeof topic === 'string' ? [topic] : topic) {
        const { id } = insertEvent.get({ topic: t, kind, payloadJson, createdAt })!;
        // As the row reads back from the table: its own copy of the payload and the time.
        written.push({ id, topic: t, kind, payload: JSON.parse(payloadJson) as TEventRow['payload'], createdAt: new Date(createdAt.getTime()) });
      }
    };
    return work(tx, emit);
  });
  ctx.bus.publish(written);
  return result;
}
