import { and, asc, count, eq, isNull, like } from 'drizzle-orm';
import { z } from 'zod';
import { companies, contacts } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ZCreateCompanyInput } from './schemas';

export const ZListCompaniesInput = z.object({
  search: z.string().trim().max(100, 'Search for at most 100 characters.').default(''),
  archived: z.boolean().default(false),
});
export const ZUpdateCompanyInput = ZCreateCompanyInput.partial().extend({ companyId: z.number().int().positive('Unknown company.') });
export const ZArchiveCompanyInput = z.object({ companyId: z.number().int().positive('Unknown company.'), archived: z.boolean() });

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The staff console's company list, with contact counts. */
export async function listCompanies(ctx: ServiceContext, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const { search, archived } = ZListCompaniesInput.parse(input ?? {});
  const rows = (await ctx.db
    .select()
    .from(companies)
    .where(
      and(
        eq(companies.providerId, staff.providerId),
        archived ? undefined : isNull(companies.archivedAt),
        search ? like(companies.name, `%${escapeLike(search)}%`) : undefined,
      ),
    )
    .orderBy(asc(companies.name)));
  const counts = new Map(
    (await ctx.db
      .select({ companyId: contacts.companyId, n: count() })
      .from(contacts)
      .innerJoin(companies, eq(companies.id, contacts.companyId))
      .where(eq(companies.providerId, staff.providerId))
      .groupBy(contacts.companyId))
      .map((r) => [r.companyId, r.n]),
  );
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    emailDomains: c.emailDomains,
    require2fa: c.require2fa,
    archived: c.archivedAt !== null,
    contacts: counts.get(c.id) ?? 0,
  }));
}

async function ownCompany(ctx: ServiceContext, companyId: number) {
  const staff = requireStaff(ctx.actor);
  const company = (await ctx.db.select().from(companies).where(eq(companies.id, companyId)))[0];
  if (!company || company.providerId !== staff.providerId) throw new AppError('NOT_FOUND', 'Company not found.');
  return { staff, company };
}

export async function updateCompany(ctx: ServiceContext, input: unknown): Promise<void> {
  const { companyId, ...fields } = ZUpdateCompanyInput.parse(input);
  const { staff } = await ownCompany(ctx, companyId);
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(companies).set(fields).where(eq(companies.id, companyId)));
    emit(`provider:${staff.providerId}`, 'company.updated', { companyId });
  });
}

/** Archived companies disappear from lists and their contacts can no longer sign in to them. */
export async function archiveCompany(ctx: ServiceContext, input: unknown): Promise<void> {
  const { companyId, archived } = ZArchiveCompanyInput.parse(input);
  const { staff } = await ownCompany(ctx, companyId);
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(companies).set({ archivedAt: archived ? ctx.clock.now() : null }).where(eq(companies.id, companyId)));
    emit(`provider:${staff.providerId}`, 'company.updated', { companyId, archived });
  });
}
