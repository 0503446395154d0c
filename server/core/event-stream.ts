import { and, asc, gt, inArray } from 'drizzle-orm';
import { events, type TEventRow } from '../../db/schema/events';
import { AppError } from './app-error';
import type { ServiceContext } from './context';

const REPLAY_PAGE = 500;

/**
 * Yields events of the given topics: first those after `lastEventId` from the durable log,
 * then live ones from the bus, in id order, each once. Listening starts before the replay
 * so nothing committed in between is missed. A subscriber that falls `maxQueue` events
 * behind is cut off; it reconnects with its last id and catches up from the log.
 */
export async function* followTopics(
  ctx: ServiceContext,
  topics: readonly string[],
  lastEventId: number | null | undefined,
  signal: AbortSignal | undefined,
  maxQueue = 1000,
): AsyncGenerator<TEventRow> {
  const queue: TEventRow[] = [];
  let wake: (() => void) | null = null;
  let overflow = false;
  const onEvent = (e: TEventRow) => {
    if (queue.length >= maxQueue) overflow = true;
    else queue.push(e);
    wake?.();
  };
  const offs = topics.map((t) => ctx.bus.on(t, onEvent));
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let last = lastEventId ?? 0;
    if (lastEventId != null) {
      for (;;) {
        const page = ctx.db
          .select()
          .from(events)
          .where(and(inArray(events.topic, [...topics]), gt(events.id, last)))
          .orderBy(asc(events.id))
          .limit(REPLAY_PAGE)
          .all();
        for (const row of page) {
          last = row.id;
          yield row;
        }
        if (page.length < REPLAY_PAGE) break;
      }
    } else {
      last = 0;
    }
    while (!signal?.aborted) {
      if (overflow) throw new AppError('TEMPORARY', 'Too far behind; reconnect to catch up.');
      const next = queue.shift();
      if (next) {
        // Skip what the replay already delivered.
        if (next.id > last) {
          last = next.id;
          yield next;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    for (const off of offs) off();
    signal?.removeEventListener('abort', onAbort);
  }
}
