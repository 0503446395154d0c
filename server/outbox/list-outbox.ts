import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { outbox } from '../../db/schema/outbox';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';

export const ZListOutboxInput = z.object({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

/** The "Outgoing mail" page: what the portal sent or still holds for this provider. */
export async function listOutbox(ctx: ServiceContext, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const q = ZListOutboxInput.parse(input ?? {});
  const rows = (await ctx.db
    .select()
    .from(outbox)
    .where(
      and(
        or(eq(outbox.providerId, staff.providerId), isNull(outbox.providerId)),
        q.cursor ? lt(outbox.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(outbox.id))
    .limit(q.limit + 1));
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1]?.id : undefined };
}

export async function getOutboxMessage(ctx: ServiceContext, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const { id } = z.object({ id: z.number().int().positive() }).parse(input);
  const row = (await ctx.db.select().from(outbox).where(eq(outbox.id, id)))[0];
  if (!row || (row.providerId !== null && row.providerId !== staff.providerId)) throw new AppError('NOT_FOUND', 'Message not found.');
  return row;
}
