import type { TEventRow } from '../../db/schema/events';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { followEvents, type TEventStream } from '../core/event-stream';
import { requireSignedIn, requireStaff } from '../core/permissions';
import type { TTicketEvent } from './events';
import { contactMaySee, loadVisibleTicket } from './ticket-access';
import { companyTicketsTopic, staffFeedTopic, ticketStaffTopic, ticketTopic } from './topics';

/*
 * The live ticket streams behind the tRPC subscriptions: durable replay after
 * `lastEventId`, then live events, filtered here per subscriber (before anything reaches a
 * socket). `stopTopic` (the session's topic) ends a stream when its event arrives. Each is
 * the event stream itself (no generator around it), so a transport may attach to it.
 */
type TFollow = { lastEventId?: number | null; signal?: AbortSignal; stopTopic?: string };
/** Shapes each kept event (the router wraps it as tracked): once per event, shared by its subscribers. */
type TMap<T> = (e: TEventRow) => T;
const asIs: TMap<TEventRow> = (e) => e;

/** Whether a list event (company-tickets or staff-feed topic) may reach this actor. */
export function listEventVisibleTo(actor: TActor, e: Pick<TEventRow, 'kind' | 'payload'>): boolean {
  if (actor.kind === 'staff') return true; // the staff-feed topic is already the provider's
  if (actor.kind !== 'contact' || (e.kind !== 'ticket.created' && e.kind !== 'ticket.updated')) return false;
  const { ticket } = e.payload as Extract<TTicketEvent, { kind: 'ticket.updated' }>['payload'];
  return !!ticket && contactMaySee(actor, ticket);
}

function follow<T>(ctx: ServiceContext, topics: string[], opts: TFollow, keep: ((e: TEventRow, live: boolean) => boolean | 'stop') | undefined, map: TMap<T>): TEventStream<T> {
  return followEvents(ctx, { topics, lastEventId: opts.lastEventId, signal: opts.signal, stopTopic: opts.stopTopic, keep, map: map === asIs ? undefined : map });
}

/** Ticket list changes: a contact's company topic filtered to what they may see; staff get their feed. */
export function followTicketList(ctx: ServiceContext, opts?: TFollow): TEventStream<TEventRow>;
export function followTicketList<T>(ctx: ServiceContext, opts: TFollow, map: TMap<T>): TEventStream<T>;
export function followTicketList(ctx: ServiceContext, opts: TFollow = {}, map: TMap<unknown> = asIs): TEventStream<unknown> {
  const actor = requireSignedIn(ctx.actor);
  const topic = actor.kind === 'staff' ? staffFeedTopic(actor.providerId) : companyTicketsTopic(actor.companyId);
  return follow(ctx, [topic], opts, (e) => listEventVisibleTo(actor, e), map);
}

/** The staff feed of the provider. */
export function followTicketFeed(ctx: ServiceContext, opts?: TFollow): TEventStream<TEventRow>;
export function followTicketFeed<T>(ctx: ServiceContext, opts: TFollow, map: TMap<T>): TEventStream<T>;
export function followTicketFeed(ctx: ServiceContext, opts: TFollow = {}, map: TMap<unknown> = asIs): TEventStream<unknown> {
  const actor = requireStaff(ctx.actor);
  return follow(ctx, [staffFeedTopic(actor.providerId)], opts, undefined, map);
}

/**
 * A ticket's thread: public events, plus internal notes and time for staff. A contact who
 * loses sight of the ticket (removed as a watcher) stops receiving it.
 */
export function followTicketThread(ctx: ServiceContext, ticketId: number, opts?: TFollow): Promise<TEventStream<TEventRow>>;
export function followTicketThread<T>(ctx: ServiceContext, ticketId: number, opts: TFollow, map: TMap<T>): Promise<TEventStream<T>>;
export async function followTicketThread(ctx: ServiceContext, ticketId: number, opts: TFollow = {}, map: TMap<unknown> = asIs): Promise<TEventStream<unknown>> {
  const actor = ctx.actor;
  const ticket = await loadVisibleTicket(ctx.db, actor, ticketId);
  // Only these outlive this call: the filter below must not keep the whole row per subscriber.
  const { id, companyId, requesterContactId } = ticket;
  const topics = actor.kind === 'staff' ? [ticketTopic(id), ticketStaffTopic(id)] : [ticketTopic(id)];
  return follow(ctx, topics, opts, (e, live) => {
    if (actor.kind !== 'contact' || e.kind !== 'ticket.changed' || !live) return true;
    const { changes } = e.payload as Extract<TTicketEvent, { kind: 'ticket.changed' }>['payload'];
    if (!changes.watcherContactIds) return true;
    // Watchers changed, just now: does this contact still see the ticket?
    return contactMaySee(actor, { companyId, requesterContactId, watcherContactIds: changes.watcherContactIds }) ? true : 'stop';
  }, map);
}
