import { sql } from 'drizzle-orm';
import { engineOf, type TDb, type TTx } from '../../db/client';
import { events, type TEventRow } from '../../db/schema/events';
import type { ServiceContext } from './context';
import { p, preparedQueries } from './prepared';

export type { TTx } from '../../db/client';
export type TEmit = (topic: string | readonly string[], kind: string, payload: Record<string, unknown>) => void;

/** An event emitted in a unit of work, written to the log when the work is done. */
interface TPendingEvent {
  topic: string;
  kind: string;
  payloadJson: string;
}
interface TUnit {
  pending: TPendingEvent[];
}
const UNIT = Symbol('portico.unit');

const queries = preparedQueries((db) => ({
  // The payload goes in as JSON made once per emit (not once per topic), and only the id comes back.
  insertEvent: db
    .insert(events)
    .values({ topic: p('topic'), kind: p('kind'), payload: sql`${p('payloadJson')}`, createdAt: p('createdAt') })
    .returning({ id: events.id })
    .prepare('unit-of-work.insertEvent'),
}));

/** PostgreSQL: the event log is appended to by one transaction at a time, so ids are committed in order. */
const EVENT_LOG_LOCK = 72_616_001;
/** PostgreSQL: notified (at commit) with the transaction's highest event id; every process LISTENs (server/core/event-relay.ts). */
export const EVENTS_CHANNEL = 'portico_events';

/**
 * Runs `work` in one transaction, appends the events it emits to the durable log in the
 * same transaction (after the work, in the order emitted), and hands them to the bus only
 * after the commit succeeded (`bus.committed`: published at once on SQLite; on PostgreSQL
 * through the relay that also publishes other processes' events, in id order). `work`
 * gets the transaction: every query inside it, and every service it calls (with
 * `{ ...ctx, db: tx }`), must use it. Called with a context whose `db` is a transaction, it
 * runs in a savepoint of that transaction and its events join the enclosing unit's, kept
 * only if the savepoint is.
 *
 * On PostgreSQL the log is appended to under a transaction-scoped advisory lock, taken
 * just before the events are written: a later id is never committed before an earlier one,
 * so a subscriber that has seen id N has seen everything before it.
 */
export async function unitOfWork<T>(ctx: ServiceContext, work: (tx: TTx, emit: TEmit) => Promise<T> | T): Promise<T> {
  const unit: TUnit = { pending: [] };
  const emit: TEmit = (topic, kind, payload) => {
    const payloadJson = JSON.stringify(payload);
    for (const t of typeof topic === 'string' ? [topic] : topic) unit.pending.push({ topic: t, kind, payloadJson });
  };
  const outer = (ctx.db as unknown as Record<symbol, TUnit | undefined>)[UNIT];
  if (outer) {
    const result = await ctx.db.transaction(async (sp) => work(withUnit(sp, unit), emit));
    outer.pending.push(...unit.pending);
    return result;
  }
  let written: TEventRow[] = [];
  let result: T;
  try {
    result = await ctx.db.transaction(async (tx) => {
      const out = await work(withUnit(tx, unit), emit);
      written = await appendEvents(tx, unit.pending, ctx.clock.now());
      ctx.bus.committing(written);
      return out;
    });
  } catch (err) {
    ctx.bus.abandoned(written);
    throw err;
  }
  ctx.bus.committed(written);
  return result;
}

/** The transaction, marked as belonging to `unit` (so services called with it nest). */
function withUnit(tx: TTx, unit: TUnit): TTx {
  return Object.create(tx, { [UNIT]: { value: unit } }) as TTx;
}

async function appendEvents(tx: TDb, pending: readonly TPendingEvent[], createdAt: Date): Promise<TEventRow[]> {
  if (!pending.length) return [];
  const rows: TEventRow[] = [];
  const row = (e: TPendingEvent, id: number): TEventRow => ({
    id,
    topic: e.topic,
    kind: e.kind,
    // As the row reads back from the table: its own copy of the payload and the time.
    payload: JSON.parse(e.payloadJson) as TEventRow['payload'],
    createdAt: new Date(createdAt.getTime()),
  });
  if (engineOf(tx) === 'sqlite') {
    // One writer at a time already; a prepared insert per event is cheapest here.
    const { insertEvent } = queries(tx);
    for (const e of pending) rows.push(row(e, (await insertEvent.get({ topic: e.topic, kind: e.kind, payloadJson: e.payloadJson, createdAt }))!.id));
    return rows;
  }
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_LOG_LOCK})`);
  const insert = tx
    .insert(events)
    .values(pending.map((e) => ({ topic: e.topic, kind: e.kind, payload: sql`${e.payloadJson}::jsonb`, createdAt })))
    .returning({ id: events.id });
  // One statement writes the events and queues one notification, sent at commit, naming the
  // highest id: a process that has already published up to it need not read the table.
  const result = await tx.execute<{ ids: number[] }>(
    sql`with ins as (${insert.getSQL()}) select array_agg(id order by id) as ids, pg_notify(${EVENTS_CHANNEL}, max(id)::text) from ins`,
  );
  // Identity values are handed out in the order of the rows.
  const ids = result.rows[0]!.ids;
  pending.forEach((e, i) => rows.push(row(e, ids[i]!)));
  return rows;
}
