import { and, eq } from 'drizzle-orm';
import { slaPolicies, TICKET_PRIORITIES } from '../../db/schema/tickets';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ZUpdateSlaInput } from './schemas';

/** The provider's SLA targets per priority, High first. */
export async function listSlaPolicies(ctx: ServiceContext) {
  const staff = requireStaff(ctx.actor);
  const rows = (await ctx.db.select().from(slaPolicies).where(eq(slaPolicies.providerId, staff.providerId)));
  return [...TICKET_PRIORITIES].reverse().flatMap((p) => {
    const r = rows.find((x) => x.priority === p);
    return r ? [{ priority: r.priority, firstResponseMinutes: r.firstResponseMinutes, resolutionMinutes: r.resolutionMinutes }] : [];
  });
}

/** Sets the targets of one priority; they apply to new tickets and later priority changes. */
export async function updateSlaPolicy(ctx: ServiceContext, input: unknown) {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZUpdateSlaInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    const where = and(eq(slaPolicies.providerId, admin.providerId), eq(slaPolicies.priority, data.priority));
    if ((await tx.select().from(slaPolicies).where(where))[0]) {
      (await tx.update(slaPolicies).set({ firstResponseMinutes: data.firstResponseMinutes, resolutionMinutes: data.resolutionMinutes }).where(where));
    } else {
      (await tx.insert(slaPolicies).values({ providerId: admin.providerId, ...data }));
    }
  });
  return await listSlaPolicies(ctx);
}
