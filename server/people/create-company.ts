import { companies, type TCompany } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaff } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { ZCreateCompanyInput, type TCreateCompanyInput } from './schemas';

/** Adds a client company to the calling staff member's provider. */
export async function createCompany(ctx: ServiceContext, input: TCreateCompanyInput): Promise<TCompany> {
  const staff = requireStaff(ctx.actor);
  const data = ZCreateCompanyInput.parse(input);
  return await unitOfWork(ctx, async (tx, emit) => {
    const row = (await tx
      .insert(companies)
      .values({ ...data, providerId: staff.providerId, createdAt: ctx.clock.now() })
      .returning())[0]!;
    emit(`provider:${staff.providerId}`, 'company.created', { companyId: row.id, name: row.name });
    return row;
  });
}
