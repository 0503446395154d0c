import { eq } from 'drizzle-orm';
import { providers } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { privacyPolicyOf } from './consent-requirement';
import { ZPrivacySettingsInput, type TPrivacySettingsInput } from './schemas';

/** The staff "Privacy" page's form: the admin's own provider only. */
export async function getPrivacySettings(ctx: ServiceContext) {
  const admin = requireStaffAdmin(ctx.actor);
  const p = (await ctx.db
    .select({ policyVersion: providers.privacyPolicyVersion, policyUrl: providers.privacyPolicyUrl, policyText: providers.privacyPolicyText })
    .from(providers)
    .where(eq(providers.id, admin.providerId)))[0];
  return { policyVersion: p?.policyVersion ?? '', policyUrl: p?.policyUrl ?? '', policyText: p?.policyText ?? '' };
}

/**
 * Saves the policy. A new version asks everyone flagged to accept again (consents are kept
 * per version); an empty version turns the prompts off.
 */
export async function updatePrivacySettings(ctx: ServiceContext, input: TPrivacySettingsInput) {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZPrivacySettingsInput.parse(input);
  await unitOfWork(ctx, async (tx, emit) => {
    (await tx.update(providers)
      .set({ privacyPolicyVersion: data.policyVersion || null, privacyPolicyUrl: data.policyUrl || null, privacyPolicyText: data.policyText || null })
      .where(eq(providers.id, admin.providerId)));
    emit(`provider:${admin.providerId}`, 'privacy.settings_changed', { policyVersion: data.policyVersion || null });
  });
  return { policy: await privacyPolicyOf(ctx, admin.providerId) };
}
