import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { companies, contacts, providers, users } from '../../db/schema/people';
import { invitations } from '../../db/schema/invitations';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { enqueueEmail } from '../outbox/enqueue-email';
import { basicPasswordProblems, ZNewPasswordPair } from './new-password';
import { hashPassword } from './password';
import { generateToken, hashToken } from './tokens';

const INVITATION_DAYS = 3;
const INVALID = 'Invalid or expired invitation';

export const ZSendInvitationInput = z.object({ contactId: z.number().int().positive() });
export const ZInvitationTokenInput = z.object({ token: z.string().regex(/^[a-z2-7]{32}$/, INVALID) });
export const ZAcceptInvitationInput = z.intersection(ZInvitationTokenInput, ZNewPasswordPair);

/**
 * Sends (or resends) a contact's invitation: a new link valid 3 days; older links die.
 * Staff of the provider, or a Primary/Technical contact of the same company, may do it.
 */
export function sendInvitation(ctx: ServiceContext, input: unknown): { expiresAt: Date } {
  const actor = requireSignedIn(ctx.actor);
  const { contactId } = ZSendInvitationInput.parse(input);
  const row = ctx.db
    .select({ contact: contacts, company: companies, provider: providers })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .innerJoin(providers, eq(providers.id, companies.providerId))
    .where(eq(contacts.id, contactId))
    .get();
  if (!row || row.provider.id !== actor.providerId) throw new AppError('NOT_FOUND', 'Contact not found.');
  if (actor.kind === 'contact' && (actor.companyId !== row.company.id || !contactAreas(actor.types).contacts)) {
    throw new AppError('FORBIDDEN', 'You may not invite contacts to this company.');
  }
  const token = generateToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
  unitOfWork(ctx, (tx, emit) => {
    tx.update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.contactId, contactId), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
      .run();
    tx.insert(invitations).values({ contactId, tokenHash: hashToken(token), expiresAt, createdByUserId: actor.userId, createdAt: now }).run();
    const link = `${ctx.settings.publicUrl}/invitation?token=${token}`;
    enqueueEmail(tx, emit, now, {
      providerId: row.provider.id,
      to: row.contact.email,
      from: `${row.provider.name} <no-reply@${ctx.settings.MAIL_DOMAIN}>`,
      subject: `Your ${row.provider.name} client portal invitation`,
      text:
        `Hello ${row.contact.name},\n\n${row.provider.name} has given you access to its client portal for ${row.company.name}.\n\n` +
        `Set up your account here (the link works once and expires in ${INVITATION_DAYS} days):\n${link}\n\n` +
        `If you did not expect this email, you can ignore it.\n`,
    });
  });
  return { expiresAt };
}

function liveInvitation(ctx: ServiceContext, token: string) {
  const row = ctx.db
    .select({ inv: invitations, contact: contacts })
    .from(invitations)
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .get();
  if (!row || row.inv.usedAt || row.inv.revokedAt || row.inv.expiresAt <= ctx.clock.now()) {
    throw new AppError('BAD_INPUT', INVALID);
  }
  return row;
}

/** "Set up your account": who the link is for. */
export function getInvitation(ctx: ServiceContext, input: unknown): { name: string; email: string } {
  const { token } = ZInvitationTokenInput.parse(input);
  const { contact } = liveInvitation(ctx, token);
  return { name: contact.name, email: contact.email };
}

/** "Create account": sets the password and uses the link up. */
export async function acceptInvitation(ctx: ServiceContext, input: unknown): Promise<{ email: string }> {
  const data = ZAcceptInvitationInput.parse(input);
  const { inv, contact } = liveInvitation(ctx, data.token);
  const problems = basicPasswordProblems(data.password, contact);
  if (problems.length) throw new AppError('BAD_INPUT', problems.join(' '), { field: 'password' });
  const passwordHash = await hashPassword(data.password);
  unitOfWork(ctx, (tx) => {
    // Re-check inside the transaction: two tabs submitting at once must not both win.
    const used = tx
      .update(invitations)
      .set({ usedAt: ctx.clock.now() })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id })
      .get();
    if (!used || !contact.userId) throw new AppError('BAD_INPUT', INVALID);
    tx.update(users).set({ passwordHash, failedAttempts: 0, lockedAt: null }).where(eq(users.id, contact.userId)).run();
    tx.update(contacts).set({ portalAccess: true }).where(eq(contacts.id, contact.id)).run();
  });
  return { email: contact.email };
}
