import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { outbox, type TOutboxRow } from '../../db/schema/outbox';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';

export const ZListOutboxInput = z.object({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(50),
  /** Part of a recipient's address or of the subject, any case. */
  search: z.string().trim().max(200, 'Keep the search under 200 characters.').optional(),
});

export type TOutboxState = 'kept' | 'queued' | 'sent' | 'retrying' | 'failed';

/**
 * What happened to a message, in words: kept (no relay set, so it stays here to be read),
 * queued (a relay is set, not tried yet), sent, retrying (an attempt failed, another is due)
 * or failed (given up, with the relay's reason).
 */
export function outboxStatus(row: Pick<TOutboxRow, 'status' | 'attempts' | 'lastError'>, relaySet: boolean): { state: TOutboxState; text: string } {
  const reason = row.lastError?.trim() || 'no reason given';
  if (row.status === 'sent') return { state: 'sent', text: 'sent' };
  if (row.status === 'failed') return { state: 'failed', text: `failed: ${reason}` };
  if (row.status === 'held' || !relaySet) return { state: 'kept', text: 'kept: no relay set' };
  if (row.attempts > 0) return { state: 'retrying', text: `retrying (attempt ${row.attempts} failed: ${reason})` };
  return { state: 'queued', text: 'queued: not sent yet' };
}

// LIKE's wildcards typed by staff are plain characters; the escape is named, as SQLite has none by default.
const likePattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The "Outgoing mail" page: what the portal sent or still holds for this provider, newest first. */
export async function listOutbox(ctx: ServiceContext, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const q = ZListOutboxInput.parse(input ?? {});
  const pattern = q.search ? likePattern(q.search) : null;
  const rows = (await ctx.db
    .select()
    .from(outbox)
    .where(
      and(
        or(eq(outbox.providerId, staff.providerId), isNull(outbox.providerId)),
        q.cursor ? lt(outbox.id, q.cursor) : undefined,
        pattern ? sql`(lower(${outbox.toAddress}) like ${pattern} escape '\\' or lower(${outbox.subject}) like ${pattern} escape '\\')` : undefined,
      ),
    )
    .orderBy(desc(outbox.id))
    .limit(q.limit + 1));
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const relaySet = !!ctx.settings.SMTP_RELAY_URL;
  const items = page.map((row) => ({ ...row, outcome: outboxStatus(row, relaySet) }));
  return { items, nextCursor: more ? page[page.length - 1]?.id : undefined };
}

export async function getOutboxMessage(ctx: ServiceContext, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const { id } = z.object({ id: z.number().int().positive() }).parse(input);
  const row = (await ctx.db.select().from(outbox).where(eq(outbox.id, id)))[0];
  if (!row || (row.providerId !== null && row.providerId !== staff.providerId)) throw new AppError('NOT_FOUND', 'Message not found.');
  return row;
}
