import { and, eq } from 'drizzle-orm';
import { companies, contacts, type TContact } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { contactAreas, requireSignedIn } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ensureUser } from './ensure-user';
import { ZCreateContactInput, type TCreateContactInput } from './schemas';

/**
 * Adds a contact to a company: staff of the company's provider, or a Primary/Technical
 * contact of the same company (only Primary contacts may grant Primary).
 */
export async function createContact(ctx: ServiceContext, input: TCreateContactInput): Promise<TContact> {
  const actor = requireSignedIn(ctx.actor);
  const data = ZCreateContactInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const company = (await tx.select().from(companies).where(eq(companies.id, data.companyId)))[0];
    if (!company || company.providerId !== actor.providerId) throw new AppError('NOT_FOUND', 'Company not found.');
    if (actor.kind === 'contact') {
      if (actor.companyId !== company.id || !contactAreas(actor.types).contacts) {
        throw new AppError('FORBIDDEN', 'You may not add contacts to this company.');
      }
      if (data.types.includes('primary') && !actor.types.includes('primary')) {
        throw new AppError('FORBIDDEN', 'Only Primary contacts can grant the Primary type.');
      }
    }
    const dup = (await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.companyId, company.id), eq(contacts.email, data.email))))[0];
    if (dup) throw new AppError('CONFLICT', 'A contact with this email already exists in this company.');
    const now = ctx.clock.now();
    const userId = await ensureUser(tx, data.email, data.name, now);
    const row = (await tx
      .insert(contacts)
      .values({ ...data, userId, createdAt: now })
      .returning())[0]!;
    emit([`company:${company.id}`, `provider:${actor.providerId}`], 'contact.created', { contactId: row.id });
    return row;
  });
}
