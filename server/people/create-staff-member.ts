import { and, eq } from 'drizzle-orm';
import { staffMembers, type TStaffMember } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ensureUser } from './ensure-user';
import { ZCreateStaffInput, type TCreateStaffInput } from './schemas';

/** Adds a staff member to a provider (system, or a staff admin of that provider). */
export async function createStaffMember(ctx: ServiceContext, providerId: number, input: TCreateStaffInput): Promise<TStaffMember> {
  if (ctx.actor.kind !== 'system') {
    const admin = requireStaffAdmin(ctx.actor);
    if (admin.providerId !== providerId) throw new AppError('FORBIDDEN', 'Not your provider.');
  }
  const data = ZCreateStaffInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const now = ctx.clock.now();
    const userId = await ensureUser(tx, data.email, data.name, now);
    const dup = (await tx
      .select()
      .from(staffMembers)
      .where(and(eq(staffMembers.providerId, providerId), eq(staffMembers.userId, userId))))[0];
    if (dup) throw new AppError('CONFLICT', 'This person is already on the staff.');
    const row = (await tx.insert(staffMembers).values({ providerId, userId, role: data.role, createdAt: now }).returning())[0]!;
    emit(`provider:${providerId}`, 'staff.created', { staffId: row.id });
    return row;
  });
}
