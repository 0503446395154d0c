import { and, eq } from 'drizzle-orm';
import { accessRequests } from '../../db/schema/access-requests';
import { companies, contacts, users } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { sendInvitation } from '../auth/invitations';
import type { TStaffActor } from '../core/actor';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { createCompany } from '../people/create-company';
import { createContact } from '../people/create-contact';
import { ZAccessRequestIdInput, ZApproveAccessInput } from './schemas';
import { accessRequestsTopic } from './topics';

/** The request, if it is this provider's and still undecided (another tab may have decided it). */
async function pendingRequest(tx: TTx, staff: TStaffActor, requestId: number) {
  const row = (await tx.select().from(accessRequests).where(eq(accessRequests.id, requestId)))[0];
  if (!row || row.providerId !== staff.providerId) throw new AppError('NOT_FOUND', 'Access request not found.');
  if (row.status !== 'pending') throw new AppError('CONFLICT', `This request was already ${row.status}.`);
  return row;
}

/**
 * Approve: into an existing company of the provider or a new one; adds a Standard contact
 * (or reuses the one with that email) and sends the invitation. The services it calls run
 * in savepoints of its transaction (a late refusal undoes them too), and their live events
 * go out with its own, after the commit.
 */
export async function approveAccessRequest(ctx: ServiceContext, input: unknown): Promise<{ email: string; company: { id: number; name: string }; resent: boolean }> {
  const staff = requireStaff(ctx.actor);
  const data = ZApproveAccessInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const inner: ServiceContext = { ...ctx, db: tx };
    const request = await pendingRequest(tx, staff, data.requestId);
    const company =
      data.company.kind === 'new'
        ? await createCompany(inner, { name: data.company.name })
        : (await tx.select().from(companies).where(eq(companies.id, data.company.companyId)))[0];
    if (!company || company.providerId !== staff.providerId || company.archivedAt) throw new AppError('NOT_FOUND', 'Company not found.');
    const existing = (await tx
      .select({ id: contacts.id, passwordHash: users.passwordHash })
      .from(contacts)
      .leftJoin(users, eq(users.id, contacts.userId))
      .where(and(eq(contacts.companyId, company.id), eq(contacts.email, request.email))))[0];
    // Staff-only detail: the requester never learns this.
    if (existing?.passwordHash) throw new AppError('CONFLICT', `This person already has an account for ${company.name}.`);
    const contactId =
      existing?.id ?? (await createContact(inner, { companyId: company.id, name: request.name, email: request.email, types: ['standard'] })).id;
    await sendInvitation(inner, { contactId });
    const now = ctx.clock.now();
    (await tx.update(accessRequests)
      .set({ status: 'approved', companyId: company.id, decidedByStaffId: staff.staffId, decidedAt: now })
      .where(eq(accessRequests.id, request.id)));
    await recordAudit(tx, now, {
      kind: 'access_approved',
      providerId: staff.providerId,
      email: request.email,
      actorUserId: staff.userId,
      detail: { requestId: request.id, companyId: company.id, contactId },
    });
    const chosen = { id: company.id, name: company.name };
    emit(accessRequestsTopic(staff.providerId), 'access_request.decided', { requestId: request.id, status: 'approved', company: chosen });
    return { email: request.email, company: chosen, resent: !!existing };
  });
}

/** Decline: nothing is sent to the requester. */
export async function declineAccessRequest(ctx: ServiceContext, input: unknown): Promise<{ email: string }> {
  const staff = requireStaff(ctx.actor);
  const { requestId } = ZAccessRequestIdInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const request = await pendingRequest(tx, staff, requestId);
    const now = ctx.clock.now();
    (await tx.update(accessRequests)
      .set({ status: 'declined', decidedByStaffId: staff.staffId, decidedAt: now })
      .where(eq(accessRequests.id, request.id)));
    await recordAudit(tx, now, {
      kind: 'access_declined',
      providerId: staff.providerId,
      email: request.email,
      actorUserId: staff.userId,
      detail: { requestId: request.id },
    });
    emit(accessRequestsTopic(staff.providerId), 'access_request.decided', { requestId: request.id, status: 'declined', company: null });
    return { email: request.email };
  });
}
