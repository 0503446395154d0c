import { and, eq, inArray } from 'drizzle-orm';
import { companies, contacts, staffMembers, users } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { privacyPolicyOf } from './consent-requirement';
import { ZConsentRequiredInput, type TConsentRequiredInput } from './schemas';

/** Who holds an account with the provider: its staff and the contacts of its companies. */
async function peopleOf(ctx: ServiceContext, providerId: number) {
  const staff = (await ctx.db
    .select({ userId: staffMembers.userId, role: staffMembers.role })
    .from(staffMembers)
    .where(eq(staffMembers.providerId, providerId)))
    .map((s) => ({ userId: s.userId, account: s.role === 'admin' ? 'Staff administrator' : 'Staff technician' }));
  const client = (await ctx.db
    .select({ userId: contacts.userId, company: companies.name })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(eq(companies.providerId, providerId)))
    .flatMap((c) => (c.userId ? [{ userId: c.userId, account: `Contact, ${c.company}` }] : []));
  // One person may hold several accounts; the flag belongs to the person.
  const accounts = new Map<number, string[]>();
  for (const a of [...staff, ...client]) accounts.set(a.userId, [...(accounts.get(a.userId) ?? []), a.account]);
  return accounts;
}

async function holdsAccountWith(ctx: ServiceContext, providerId: number, userId: number): Promise<boolean> {
  const staff = (await ctx.db
    .select({ id: staffMembers.id })
    .from(staffMembers)
    .where(and(eq(staffMembers.providerId, providerId), eq(staffMembers.userId, userId))))[0];
  if (staff) return true;
  const contact = (await ctx.db
    .select({ id: contacts.id })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(and(eq(companies.providerId, providerId), eq(contacts.userId, userId))))[0];
  return !!contact;
}

/** The "Who must consent" list for a staff admin, by name. */
export async function listConsentPeople(ctx: ServiceContext) {
  const admin = requireStaffAdmin(ctx.actor);
  const accounts = await peopleOf(ctx, admin.providerId);
  if (!accounts.size) return [];
  return (await ctx.db
    .select({ userId: users.id, name: users.name, email: users.email, consentRequired: users.consentRequired })
    .from(users)
    .where(inArray(users.id, [...accounts.keys()])))
    .map((u) => ({ ...u, accounts: accounts.get(u.userId) ?? [] }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}

/**
 * Marks a person of the admin's provider as having to consent (or not); others are not found.
 * Requiring consent is refused until the provider has a policy to consent to: without one the
 * flag would do nothing, silently. Clearing the flag is always allowed.
 */
export async function setConsentRequired(ctx: ServiceContext, input: TConsentRequiredInput) {
  const admin = requireStaffAdmin(ctx.actor);
  const { userId, required } = ZConsentRequiredInput.parse(input);
  if (!await holdsAccountWith(ctx, admin.providerId, userId)) throw new AppError('NOT_FOUND', 'Person not found.');
  if (required && !await privacyPolicyOf(ctx, admin.providerId)) {
    throw new AppError('CONFLICT', 'Set a privacy policy first (a version, and its URL or text): until then nobody can be asked to consent.');
  }
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(users).set({ consentRequired: required }).where(eq(users.id, userId)));
    emit(`provider:${admin.providerId}`, 'privacy.consent_required_changed', { userId, required });
  });
  return { userId, consentRequired: required };
}
