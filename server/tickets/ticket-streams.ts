import type { TEventRow } from '../../db/schema/events';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { followTopics } from '../core/event-stream';
import { requireSignedIn, requireStaff } from '../core/permissions';
import type { TTicketEvent } from './events';
import { contactMaySee, loadVisibleTicket } from './ticket-access';
import { companyTicketsTopic, staffFeedTopic, ticketStaffTopic, ticketTopic } from './topics';

/*
 * The live ticket streams behind the tRPC subscriptions: durable replay after
 * `lastEventId`, then live events, filtered here (before anything reaches a socket).
 * `stopTopic` (the session's topic) ends a stream when its event arrives.
 */
type TFollow = { lastEventId?: number | null; signal?: AbortSignal; stopTopic?: string };

/** Whether a list event (company-tickets or staff-feed topic) may reach this actor. */
export function listEventVisibleTo(actor: TActor, e: Pick<TEventRow, 'kind' | 'payload'>): boolean {
  if (actor.kind === 'staff') return true; // the staff-feed topic is already the provider's
  if (actor.kind !== 'contact' || (e.kind !== 'ticket.created' && e.kind !== 'ticket.updated')) return false;
  const { ticket } = e.payload as Extract<TTicketEvent, { kind: 'ticket.updated' }>['payload'];
  return !!ticket && contactMaySee(actor, ticket);
}

async function* follow(ctx: ServiceContext, topics: string[], opts: TFollow, keep: (e: TEventRow) => boolean | 'stop') {
  const all = opts.stopTopic ? [...topics, opts.stopTopic] : topics;
  for await (const e of followTopics(ctx, all, opts.lastEventId, opts.signal)) {
    if (e.topic === opts.stopTopic) return;
    const verdict = keep(e);
    if (verdict === 'stop') return;
    if (verdict) yield e;
  }
}

/** Ticket list changes: a contact's company topic filtered to what they may see; staff get their feed. */
export function followTicketList(ctx: ServiceContext, opts: TFollow = {}): AsyncGenerator<TEventRow> {
  const actor = requireSignedIn(ctx.actor);
  const topic = actor.kind === 'staff' ? staffFeedTopic(actor.providerId) : companyTicketsTopic(actor.companyId);
  return follow(ctx, [topic], opts, (e) => listEventVisibleTo(actor, e));
}

/** The staff feed of the provider. */
export function followTicketFeed(ctx: ServiceContext, opts: TFollow = {}): AsyncGenerator<TEventRow> {
  const actor = requireStaff(ctx.actor);
  return follow(ctx, [staffFeedTopic(actor.providerId)], opts, () => true);
}

/**
 * A ticket's thread: public events, plus internal notes and time for staff. A contact who
 * loses sight of the ticket (removed as a watcher) stops receiving it.
 */
export function followTicketThread(ctx: ServiceContext, ticketId: number, opts: TFollow = {}): AsyncGenerator<TEventRow> {
  const actor = ctx.actor;
  const ticket = loadVisibleTicket(ctx.db, actor, ticketId);
  const topics = actor.kind === 'staff' ? [ticketTopic(ticket.id), ticketStaffTopic(ticket.id)] : [ticketTopic(ticket.id)];
  return follow(ctx, topics, opts, (e) => {
    if (actor.kind !== 'contact' || e.kind !== 'ticket.changed') return true;
    const { changes } = e.payload as Extract<TTicketEvent, { kind: 'ticket.changed' }>['payload'];
    if (!changes.watcherContactIds) return true;
    // Watchers changed: ask the database (not the possibly replayed event) whether they still see it.
    try {
      loadVisibleTicket(ctx.db, actor, ticket.id);
      return true;
    } catch {
      return 'stop';
    }
  });
}
