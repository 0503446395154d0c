import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { companies, contacts, type TCompany, type TContact } from '../../db/schema/people';
import type { TContactActor, TStaffActor } from '../core/actor';
import { AppError } from '../core/app-error';
import { contactAreas, requireSignedIn } from '../core/permissions';
import type { TActor } from '../core/actor';

/**
 * Who may manage a company's contacts (seed 004 Technical > Contacts): staff of its
 * provider, and Technical or Primary contacts of the same company. Anything else reads as
 * missing, so ids of other companies reveal nothing.
 */
export async function requireContactManager(db: TDb, actor: TActor, companyId: number): Promise<{ manager: TStaffActor | TContactActor; company: TCompany }> {
  const who = requireSignedIn(actor);
  const company = (await db.select().from(companies).where(eq(companies.id, companyId)))[0];
  if (!company || company.providerId !== who.providerId) throw new AppError('NOT_FOUND', 'Company not found.');
  if (who.kind === 'contact') {
    if (who.companyId !== company.id) throw new AppError('NOT_FOUND', 'Company not found.');
    if (!contactAreas(who.types).contacts) throw new AppError('FORBIDDEN', 'Only Technical and Primary contacts manage contacts.');
  }
  return { manager: who, company };
}

/** Loads a contact the actor may manage. */
export async function loadManagedContact(db: TDb, actor: TActor, contactId: number): Promise<{ manager: TStaffActor | TContactActor; contact: TContact; company: TCompany }> {
  const contact = (await db.select().from(contacts).where(eq(contacts.id, contactId)))[0];
  if (!contact) throw new AppError('NOT_FOUND', 'Contact not found.');
  const { manager, company } = await requireContactManager(db, actor, contact.companyId);
  return { manager, contact, company };
}
