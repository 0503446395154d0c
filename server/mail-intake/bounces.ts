import { eq, sql } from 'drizzle-orm';
import { emailBounces } from '../../db/schema/inbound-mail';
import { outbox } from '../../db/schema/outbox';
import type { TTicket } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { verifyTicketMessageId } from '../notifications/message-id';
import type { TBounceReport } from './classify';
import type { TMail } from './parse-message';
import { ticketById } from './participants';

const outboxRow = async (ctx: ServiceContext, id: number | null) => (id ? (await ctx.db.select().from(outbox).where(eq(outbox.id, id)))[0] : undefined);

/**
 * Marks the addresses a delivery report says failed as bouncing (staff see it; notifications
 * may skip them). A report that names no recipient but came back to a bounce+ address
 * (VERP) is about that outbox row's recipient.
 */
export async function recordBounce(ctx: ServiceContext, report: TBounceReport | null, outboxId: number | null): Promise<{ email: string; reason: string }[]> {
  if (!report) return [];
  let failed = report.failed;
  const row = await outboxRow(ctx, outboxId);
  if (!failed.length && row) failed = [{ email: row.toAddress.toLowerCase(), reason: 'delivery failed' }];
  const now = ctx.clock.now();
  for (const f of failed) {
    (await ctx.db
      .insert(emailBounces)
      .values({ email: f.email, count: 1, lastBounceAt: now, lastReason: f.reason })
      .onConflictDoUpdate({ target: emailBounces.email, set: { count: sql`${emailBounces.count} + 1`, lastBounceAt: now, lastReason: f.reason } }));
  }
  return failed;
}

/** The ticket whose notification bounced: from the outbox row (VERP), the report's copy of the header, or the threading headers. */
export async function bounceTicket(ctx: ServiceContext, report: TBounceReport | null, outboxId: number | null, mail: TMail): Promise<TTicket | null> {
  const ids = [(await outboxRow(ctx, outboxId))?.headers['Message-ID'], report?.originalMessageId, ...mail.parents];
  for (const id of ids) {
    const ticketId = id ? verifyTicketMessageId(ctx.settings.secretKey, id) : null;
    const ticket = ticketId ? await ticketById(ctx.db, ticketId) : undefined;
    if (ticket) return ticket;
  }
  return null;
}
