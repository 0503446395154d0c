import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { companies, providers } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { PASSWORD_MAX_LENGTH } from '../auth/password-policy';

export const ZSecuritySettingsInput = z.object({
  /** At least 8 (ASVS); at most 64 so a policy can never refuse every passphrase manager's default. */
  passwordMinLength: z.number().int().min(8, 'Use a minimum of at least 8 characters.').max(64, 'Use a minimum of at most 64 characters.'),
  passwordRequireClasses: z.boolean(),
  requireStaff2fa: z.boolean(),
});
export const ZCompanyTwoFactorInput = z.object({ companyId: z.number().int().positive('Unknown company.'), require2fa: z.boolean() });

/** The provider's sign-in rules and, per client company, whether its contacts must use 2FA. */
export async function getSecuritySettings(ctx: ServiceContext) {
  const admin = requireStaffAdmin(ctx.actor);
  const p = (await ctx.db.select().from(providers).where(eq(providers.id, admin.providerId)))[0];
  if (!p) throw new AppError('NOT_FOUND', 'Provider not found.');
  return {
    passwordMinLength: p.passwordMinLength,
    passwordMaxLength: PASSWORD_MAX_LENGTH,
    passwordRequireClasses: p.passwordRequireClasses,
    requireStaff2fa: p.requireStaff2fa,
    companies: (await ctx.db
      .select({ id: companies.id, name: companies.name, require2fa: companies.require2fa })
      .from(companies)
      .where(and(eq(companies.providerId, admin.providerId), isNull(companies.archivedAt)))
      .orderBy(asc(companies.name))),
  };
}

export async function updateSecuritySettings(ctx: ServiceContext, input: unknown, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZSecuritySettingsInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(providers).set(data).where(eq(providers.id, admin.providerId)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'security_settings_changed', providerId: admin.providerId, actorUserId: admin.userId, ip, detail: data });
  });
}

/** Per company "Require two-factor authentication for contacts": they set it up at next sign-in. */
export async function setCompanyTwoFactor(ctx: ServiceContext, input: unknown, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const { companyId, require2fa } = ZCompanyTwoFactorInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    const hit = (await tx
      .update(companies)
      .set({ require2fa })
      .where(and(eq(companies.id, companyId), eq(companies.providerId, admin.providerId)))
      .returning({ name: companies.name }))[0]!;
    if (!hit) throw new AppError('NOT_FOUND', 'Company not found.');
    await recordAudit(tx, ctx.clock.now(), {
      kind: 'security_settings_changed',
      providerId: admin.providerId,
      actorUserId: admin.userId,
      ip,
      detail: { company: hit.name, require2fa },
    });
  });
}
