import { and, asc, eq, isNull } from 'drizzle-orm';
import { companies, contacts } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireTechnicalRecords } from '../core/permissions';
import { writableCompany } from './company-access';
import { ZCompanyIdInput } from './schemas';

/** Staff: the provider's active companies, for "pick a company". */
export async function technicalCompanies(ctx: ServiceContext) {
  const staff = requireStaff(ctx.actor);
  return (await ctx.db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(eq(companies.providerId, staff.providerId), isNull(companies.archivedAt)))
    .orderBy(asc(companies.name)));
}

/** A company's contacts, for "Assigned contact" (staff: any company of theirs; Technical/Primary contacts: their own). */
export async function technicalContacts(ctx: ServiceContext, input: unknown) {
  const scope = requireTechnicalRecords(ctx.actor);
  const { companyId } = ZCompanyIdInput.parse(input ?? {});
  const id = await writableCompany(ctx.db, scope, companyId);
  return (await ctx.db.select({ id: contacts.id, name: contacts.name }).from(contacts).where(eq(contacts.companyId, id)).orderBy(asc(contacts.name), asc(contacts.id)));
}
