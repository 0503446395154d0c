import type { TEventRow } from '../../db/schema/events';
import type { ServiceContext } from '../core/context';
import { followTopics } from '../core/event-stream';
import { requireFinanceAccess } from '../core/permissions';
import { companyFinanceTopic, staffFinanceTopic } from './topics';

/**
 * Finance changes, live, for the Finance pages and dashboard cards: a contact's company
 * topic (only client-visible events are written there) or the provider's staff topic.
 * Replays after `lastEventId`; ends when an event arrives on `stopTopic` (the session's).
 */
export function followFinance(ctx: ServiceContext, opts: TFollow = {}): AsyncGenerator<TEventRow> {
  // Checked now, not at the first event, so a refused caller gets the error at subscribe time.
  const scope = requireFinanceAccess(ctx.actor);
  const topic = scope.companyId === null ? staffFinanceTopic(scope.providerId) : companyFinanceTopic(scope.companyId);
  return follow(ctx, opts.stopTopic ? [topic, opts.stopTopic] : [topic], opts);
}

type TFollow = { lastEventId?: number | null; signal?: AbortSignal; stopTopic?: string };

async function* follow(ctx: ServiceContext, topics: string[], opts: TFollow): AsyncGenerator<TEventRow> {
  for await (const e of followTopics(ctx, topics, opts.lastEventId, opts.signal)) {
    if (e.topic === opts.stopTopic) return;
    yield e;
  }
}
