import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { contacts, type TContactType } from '../../db/schema/people';
import { sessions } from '../../db/schema/sessions';
import { endSession } from '../auth/end-session';
import { AppError } from '../core/app-error';
import { containsText } from '../core/contains-text';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { loadManagedContact, requireContactManager } from './contact-access';
import { ZContactTypes, ZName } from './schemas';

const optionalText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).optional();

export const ZListContactsInput = z.object({
  companyId: z.number().int().positive('Unknown company.'),
  search: z.string().trim().max(100, 'Search for at most 100 characters.').default(''),
});
export const ZUpdateContactInput = z.object({
  contactId: z.number().int().positive('Unknown contact.'),
  name: ZName.optional(),
  title: optionalText(120),
  department: optionalText(120),
  phoneOffice: optionalText(40),
  phoneCell: optionalText(40),
  types: ZContactTypes.optional(),
});
export const ZPortalAccessInput = z.object({ contactId: z.number().int().positive('Unknown contact.'), enabled: z.boolean() });


/** Technical > Contacts: the company's contacts, searchable by name, email, title or department. */
export async function listContacts(ctx: ServiceContext, input: unknown) {
  const { companyId, search } = ZListContactsInput.parse(input);
  const { company } = await requireContactManager(ctx.db, ctx.actor, companyId);
  const rows = (await ctx.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.companyId, company.id),
        containsText(search, contacts.name, contacts.email, sql`coalesce(${contacts.title}, '')`, sql`coalesce(${contacts.department}, '')`),
      ),
    )
    .orderBy(asc(contacts.name)));
  return {
    company: { id: company.id, name: company.name },
    items: rows.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      title: c.title,
      department: c.department,
      phoneOffice: c.phoneOffice,
      phoneCell: c.phoneCell,
      types: c.types,
      portalAccess: c.portalAccess,
    })),
  };
}

/** Edits a contact. Nobody changes their own types; only Primary contacts grant or remove Primary. */
export async function updateContact(ctx: ServiceContext, input: unknown): Promise<{ id: number }> {
  const data = ZUpdateContactInput.parse(input);
  const { manager, contact } = await loadManagedContact(ctx.db, ctx.actor, data.contactId);
  if (data.types && manager.kind === 'contact') {
    const before = new Set<TContactType>(contact.types);
    const after = new Set<TContactType>(data.types);
    const changed = before.size !== after.size || [...after].some((t) => !before.has(t));
    if (changed && manager.contactId === contact.id) throw new AppError('FORBIDDEN', 'You cannot change your own contact types.', { field: 'types' });
    if (before.has('primary') !== after.has('primary') && !manager.types.includes('primary')) {
      throw new AppError('FORBIDDEN', 'Only Primary contacts can grant or remove the Primary type.', { field: 'types' });
    }
  }
  const { contactId, ...fields } = data;
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(contacts).set(fields).where(eq(contacts.id, contactId)));
    emit(`company:${contact.companyId}`, 'contact.updated', { contactId });
  });
  return { id: contactId };
}

/**
 * Grants or revokes portal access. Revoking ends that person's sessions on this account at
 * once (their open tabs are told); nobody revokes their own access.
 */
export async function setPortalAccess(ctx: ServiceContext, input: unknown): Promise<{ ended: number }> {
  const { contactId, enabled } = ZPortalAccessInput.parse(input);
  const { manager, contact } = await loadManagedContact(ctx.db, ctx.actor, contactId);
  if (manager.kind === 'contact' && manager.contactId === contact.id) throw new AppError('FORBIDDEN', 'You cannot change your own portal access.');
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(contacts).set({ portalAccess: enabled }).where(eq(contacts.id, contactId)));
    emit(`company:${contact.companyId}`, 'contact.updated', { contactId });
  });
  if (enabled) return { ended: 0 };
  const live = (await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.accountKind, 'contact'), eq(sessions.accountId, contactId))));
  for (const s of live) await endSession(ctx, s.id, 'access_revoked', { actorUserId: manager.userId, providerId: manager.providerId });
  return { ended: live.length };
}
