import { asc, eq, gt, max } from 'drizzle-orm';
import { forUpdate } from '../../db/client';
import { events, type TEventRow } from '../../db/schema/events';
import { workerCursors } from '../../db/schema/notifications';
import { providers } from '../../db/schema/people';
import { system } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { enqueueEmail } from '../outbox/enqueue-email';
import { staffFeedTopic, ticketTopic } from '../tickets/topics';
import { composeTicketEmail, type TTicketEmail } from './compose-ticket-email';
import { clientRecipients, loadComment, loadTicketFacts, staffRecipients, withoutOptOuts, type TRecipient } from './recipients';
import { issueReplyToken } from './reply-tokens';
import { ZCommentAddedPayload, ZTicketChangedPayload, ZTicketCreatedPayload } from './schemas';

export const TICKET_NOTIFIER = 'ticket-notifier';
const BATCH_SIZE = 100;
/**
 * A wake-up waits this long, so a busy portal's events (a reply is several) are mailed in
 * one transaction rather than one each.
 */
const COALESCE_MS = 20;

/** One message and who gets it, after opt-outs and without the author. */
interface TPlanned {
  mail: TTicketEmail;
  to: TRecipient[];
}

/**
 * The first run starts at the end of the log: activity from before notifications existed
 * (or the demo seed) is not mailed. From then on the cursor only moves with the mail it caused.
 */
async function readCursor(tx: TTx, now: Date): Promise<number> {
  // Locked until commit: batches at once (two processes) take turns rather than mail the
  // same events twice.
  const read = async () => (await forUpdate(tx.select().from(workerCursors).where(eq(workerCursors.name, TICKET_NOTIFIER))))[0];
  const row = await read();
  if (row) return row.lastEventId;
  const last = (await tx.select({ id: max(events.id) }).from(events))[0]?.id ?? 0;
  // A first run racing another keeps the cursor that was written first.
  (await tx.insert(workerCursors).values({ name: TICKET_NOTIFIER, lastEventId: last, updatedAt: now }).onConflictDoNothing());
  return (await read())!.lastEventId;
}

function parse<T>(ctx: ServiceContext, row: TEventRow, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null {
  const r = schema.safeParse(row.payload);
  if (r.success) return r.data;
  // A payload we cannot read is skipped, not retried forever: it would block all later mail.
  ctx.log.warn({ eventId: row.id, kind: row.kind }, 'ticket notifier skipped an unreadable event');
  return null;
}

/** Which mails one event causes. Internal notes live on ticket-staff topics and never match. */
async function plan(ctx: ServiceContext, tx: TTx, row: TEventRow): Promise<TPlanned[]> {
  const base = { eventId: row.id, actorName: null, body: null };
  if (row.kind === 'ticket.created' && row.topic.startsWith('staff-feed:')) {
    const ticketId = parse(ctx, row, ZTicketCreatedPayload);
    const facts = ticketId ? await loadTicketFacts(tx, ticketId) : null;
    if (!facts || row.topic !== staffFeedTopic(facts.ticket.providerId)) return [];
    const { ticket, requesterUserId } = facts;
    const mail = { ...base, facts, body: ticket.description };
    // "A client raises a ticket": staff who raise one themselves are not told about it.
    const staff = ticket.source === 'staff' ? [] : await withoutOptOuts(tx, await staffRecipients(tx, ticket), 'ticket_created', requesterUserId);
    // The receipt is for the requester, including when they raised it themselves.
    const requester = await withoutOptOuts(tx, await clientRecipients(tx, ticket, { watchers: false }), 'ticket_created', null);
    return [
      { mail: { ...mail, template: 'new_ticket' }, to: staff },
      { mail: { ...mail, template: 'ticket_received' }, to: requester },
    ];
  }
  if (row.kind === 'comment.added' && row.topic.startsWith('ticket:')) {
    const p = parse(ctx, row, ZCommentAddedPayload);
    if (!p || p.comment.internal || row.topic !== ticketTopic(p.ticketId)) return [];
    // The stored comment decides, not the payload: an internal note is never mailed.
    const comment = await loadComment(tx, p.ticketId, p.comment.id);
    const facts = comment && !comment.internal ? await loadTicketFacts(tx, p.ticketId) : null;
    if (!comment || !facts) return [];
    const mail = { ...base, facts, actorName: comment.authorName, body: comment.body };
    if (comment.authorSide === 'staff') {
      const to = await withoutOptOuts(tx, await clientRecipients(tx, facts.ticket, { watchers: true }), 'ticket_reply', comment.authorUserId);
      return [{ mail: { ...mail, template: 'ticket_reply' }, to }];
    }
    const to = await withoutOptOuts(tx, await staffRecipients(tx, facts.ticket), 'client_reply', comment.authorUserId);
    return [{ mail: { ...mail, template: 'client_reply' }, to }];
  }
  if (row.kind === 'ticket.changed' && row.topic.startsWith('ticket:')) {
    const p = parse(ctx, row, ZTicketChangedPayload);
    const status = p?.changes.status;
    if (!p || !status || row.topic !== ticketTopic(p.ticketId)) return [];
    const facts = await loadTicketFacts(tx, p.ticketId);
    if (!facts) return [];
    const kind = status === 'closed' ? 'ticket_closed' : 'ticket_status';
    const to = await withoutOptOuts(tx, await clientRecipients(tx, facts.ticket, { watchers: true }), kind, p.by.userId ?? null);
    return [{ mail: { ...base, facts, actorName: p.by.name, status, template: kind }, to }];
  }
  return [];
}

/**
 * One batch in one transaction: the events after the cursor, their mail into the outbox and
 * the cursor moved past them. Either all of it commits or none, so a crash never loses or
 * doubles a notification.
 */
export async function notifyBatch(base: ServiceContext, limit = BATCH_SIZE): Promise<{ events: number; emails: number }> {
  const ctx = withActor(base, system);
  return await unitOfWork(ctx, async (tx, emit) => {
    const now = ctx.clock.now();
    const rows = (await tx.select().from(events).where(gt(events.id, await readCursor(tx, now))).orderBy(asc(events.id)).limit(limit));
    let emails = 0;
    for (const row of rows) {
      for (const { mail, to } of await plan(ctx, tx, row)) {
        for (const r of to) {
          const token = await issueReplyToken(tx, now, { ticketId: mail.facts.ticket.id, userId: r.userId, email: r.email });
          await enqueueEmail(tx, emit, now, composeTicketEmail(ctx.settings, mail, r, token));
          emails++;
        }
      }
    }
    const last = rows.at(-1);
    if (last) (await tx.update(workerCursors).set({ lastEventId: last.id, updatedAt: now }).where(eq(workerCursors.name, TICKET_NOTIFIER)));
    return { events: rows.length, emails };
  });
}

export interface TTicketNotifier {
  /** Processes everything in the log now; returns how many emails were queued. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Tails the event log. Every ticket change also lands on its provider's staff feed, so that
 * topic wakes it at once; a one-second poll covers anything else (and providers added later).
 */
export async function startTicketNotifier(base: ServiceContext, opts: { pollMs?: number } = {}): Promise<TTicketNotifier> {
  const subscriptions = new Map<string, () => void>();
  let pending: NodeJS.Timeout | NodeJS.Immediate | null = null;
  let stopped = false;

  const follow = async () => {
    for (const { id } of (await base.db.select({ id: providers.id }).from(providers))) {
      const topic = staffFeedTopic(id);
      if (!subscriptions.has(topic)) subscriptions.set(topic, base.bus.on(topic, wake));
    }
  };
  // This notifier's batches run one at a time: a wake-up and a drain would otherwise only
  // queue on the cursor's lock, each holding a connection.
  let running: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = running.then(work);
    running = result.catch(() => undefined);
    return result;
  };
  const cancelPending = () => {
    if (!pending) return;
    clearTimeout(pending as NodeJS.Timeout);
    clearImmediate(pending as NodeJS.Immediate);
    pending = null;
  };
  // One batch per tick so a backlog does not hold up requests; a full batch asks for another at once.
  const tick = async () => {
    pending = null;
    if (stopped) return;
    try {
      await follow();
      if ((await exclusive(() => notifyBatch(base))).events === BATCH_SIZE && !stopped) pending ??= setImmediate(() => void tick());
    } catch (err) {
      base.log.error({ err }, 'ticket notifier batch failed; retrying on the next poll');
    }
  };
  function wake() {
    if (!stopped) pending ??= setTimeout(() => void tick(), COALESCE_MS);
  }

  // Create the cursor now, so events written from here on are not skipped by a first run.
  await base.db.transaction(async (tx) => await readCursor(tx, base.clock.now()));
  const timer = setInterval(wake, opts.pollMs ?? 1000);
  timer.unref();
  wake();

  return {
    async drain() {
      // It does now what a wake-up already scheduled would have done.
      cancelPending();
      return await exclusive(async () => {
        let emails = 0;
        for (;;) {
          const r = await notifyBatch(base);
          emails += r.emails;
          if (r.events < BATCH_SIZE) return emails;
        }
      });
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      cancelPending();
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
      // A batch under way finishes before the caller closes the database.
      await running;
    },
  };
}
