import type { TEventRow } from '../../db/schema/events';
import type { ServiceContext } from '../core/context';
import { followTopics } from '../core/event-stream';
import { technicalScope, type TTechnicalScope } from '../core/permissions';
import { companyTechnicalTopic, staffTechnicalTopic, type TTechnicalChange } from './topics';

/** Whether a change may reach this caller: a hidden document's never reaches a contact, a Standard contact hears of their assets only. */
export function changeVisibleTo(scope: TTechnicalScope, change: TTechnicalChange): boolean {
  if (scope.kind === 'provider') return true;
  if (change.companyId !== scope.companyId) return false;
  if (scope.kind === 'assigned') return change.record === 'asset' && !!change.contactIds?.includes(scope.contactId);
  if (change.record === 'document') return !!change.visible?.includes(true);
  return true;
}

/**
 * Changes to the technical records the caller may see, live and resumable after
 * `lastEventId`. Ends when an event arrives on `stopTopic` (the session's topic).
 */
export async function* followTechnical(ctx: ServiceContext, opts: { lastEventId?: number | null; signal?: AbortSignal; stopTopic?: string } = {}): AsyncGenerator<TEventRow> {
  const scope = technicalScope(ctx.actor);
  const topic = scope.kind === 'provider' ? staffTechnicalTopic(scope.providerId) : companyTechnicalTopic(scope.companyId);
  const topics = opts.stopTopic ? [topic, opts.stopTopic] : [topic];
  for await (const e of followTopics(ctx, topics, opts.lastEventId, opts.signal)) {
    if (e.topic === opts.stopTopic) return;
    if (e.kind === 'technical.changed' && changeVisibleTo(scope, e.payload as TTechnicalChange)) yield e;
  }
}
