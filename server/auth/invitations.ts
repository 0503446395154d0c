import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { companies, contacts, providers, users } from '../../db/schema/people';
import { invitations } from '../../db/schema/invitations';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { recordAudit } from '../audit/record-audit';
import { enqueueEmail } from '../outbox/enqueue-email';
import { ZNewPasswordPair } from './new-password';
import { assertAcceptablePassword, describePolicy, policyForProvider, storeNewPassword } from './password-policy';
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
export async function sendInvitation(ctx: ServiceContext, input: unknown): Promise<{ expiresAt: Date }> {
  const actor = requireSignedIn(ctx.actor);
  const { contactId } = ZSendInvitationInput.parse(input);
  const row = (await ctx.db
    .select({ contact: contacts, company: companies, provider: providers })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .innerJoin(providers, eq(providers.id, companies.providerId))
    .where(eq(contacts.id, contactId)))[0];
  if (!row || row.provider.id !== actor.providerId) throw new AppError('NOT_FOUND', 'Contact not found.');
  if (actor.kind === 'contact' && (actor.companyId !== row.company.id || !contactAreas(actor.types).contacts)) {
    throw new AppError('FORBIDDEN', 'You may not invite contacts to this company.');
  }
  const token = generateToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.contactId, contactId), isNull(invitations.usedAt), isNull(invitations.revokedAt))));
    (await tx.insert(invitations).values({ contactId, tokenHash: hashToken(token), expiresAt, createdByUserId: actor.userId, createdAt: now }));
    const link = `${ctx.settings.publicUrl}/invitation?token=${token}`;
    await enqueueEmail(tx, emit, now, {
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

async function liveInvitation(ctx: ServiceContext, token: string) {
  const row = (await ctx.db
    .select({ inv: invitations, contact: contacts, providerId: companies.providerId })
    .from(invitations)
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(eq(invitations.tokenHash, hashToken(token))))[0];
  if (!row || row.inv.usedAt || row.inv.revokedAt || row.inv.expiresAt <= ctx.clock.now()) {
    throw new AppError('BAD_INPUT', INVALID);
  }
  return row;
}

/** "Set up your account": who the link is for. */
export async function getInvitation(ctx: ServiceContext, input: unknown) {
  const { token } = ZInvitationTokenInput.parse(input);
  const { contact, providerId } = await liveInvitation(ctx, token);
  return {
    name: contact.name,
    email: contact.email,
    /** The person already signs in (another company, or staff): the link only adds this account. */
    hasAccount: await hasPassword(ctx, contact.userId),
    passwordRules: describePolicy(await policyForProvider(ctx.db, providerId)),
  };
}

const hasPassword = async (ctx: ServiceContext, userId: number | null) =>
  !!userId && !!(await ctx.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]?.h;

/** Uses the link up inside the caller's transaction; false when another tab won the race. */
async function markUsed(tx: TTx, id: number, now: Date): Promise<boolean> {
  return !!(await tx
    .update(invitations)
    .set({ usedAt: now })
    .where(and(eq(invitations.id, id), isNull(invitations.usedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id }))[0]!;
}

/**
 * For someone who already has a password: opening the emailed link proves the mailbox is
 * theirs, so the new company account is added and their password stays as it is.
 */
export async function joinWithExistingAccount(ctx: ServiceContext, input: unknown): Promise<{ email: string }> {
  const { token } = ZInvitationTokenInput.parse(input);
  const { inv, contact } = await liveInvitation(ctx, token);
  if (!await hasPassword(ctx, contact.userId)) throw new AppError('BAD_INPUT', 'Choose a password to set up your account.');
  await unitOfWork(ctx, async (tx) => {
    if (!await markUsed(tx, inv.id, ctx.clock.now())) throw new AppError('BAD_INPUT', INVALID);
    (await tx.update(contacts).set({ portalAccess: true }).where(eq(contacts.id, contact.id)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'invitation_accepted', userId: contact.userId, email: contact.email, detail: { contactId: contact.id, existingAccount: true } });
  });
  return { email: contact.email };
}

/** "Create account": sets the password and uses the link up. */
export async function acceptInvitation(ctx: ServiceContext, input: unknown): Promise<{ email: string }> {
  const data = ZAcceptInvitationInput.parse(input);
  const { inv, contact, providerId } = await liveInvitation(ctx, data.token);
  // A link must never replace the password of someone who already signs in.
  if (await hasPassword(ctx, contact.userId)) throw new AppError('BAD_INPUT', 'You already have an account: sign in with your existing password to accept.');
  await assertAcceptablePassword(ctx.db, await policyForProvider(ctx.db, providerId), data.password, { id: contact.userId, email: contact.email, name: contact.name });
  const passwordHash = await hashPassword(data.password);
  await unitOfWork(ctx, async (tx) => {
    // Re-check inside the transaction: two tabs submitting at once must not both win.
    if (!await markUsed(tx, inv.id, ctx.clock.now()) || !contact.userId) throw new AppError('BAD_INPUT', INVALID);
    await storeNewPassword(tx, contact.userId, passwordHash, ctx.clock.now());
    (await tx.update(contacts).set({ portalAccess: true }).where(eq(contacts.id, contact.id)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'invitation_accepted', userId: contact.userId, email: contact.email, detail: { contactId: contact.id } });
  });
  return { email: contact.email };
}
