import { and, eq } from 'drizzle-orm';
import { providers, users } from '../../db/schema/people';
import { privacyConsents } from '../../db/schema/privacy';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';

export type TPrivacyPolicy = { version: string; url: string | null; text: string | null };

/** The provider's current policy, or null when privacy prompts are off (no version, or nothing to read). */
export async function privacyPolicyOf(ctx: ServiceContext, providerId: number): Promise<TPrivacyPolicy | null> {
  const p = (await ctx.db
    .select({ version: providers.privacyPolicyVersion, url: providers.privacyPolicyUrl, text: providers.privacyPolicyText })
    .from(providers)
    .where(eq(providers.id, providerId)))[0];
  return p?.version && (p.url || p.text) ? { version: p.version, url: p.url, text: p.text } : null;
}

export async function hasAccepted(ctx: ServiceContext, userId: number, providerId: number, version: string): Promise<boolean> {
  const row = (await ctx.db
    .select({ id: privacyConsents.id })
    .from(privacyConsents)
    .where(and(eq(privacyConsents.userId, userId), eq(privacyConsents.providerId, providerId), eq(privacyConsents.policyVersion, version))))[0];
  return !!row;
}

/**
 * Privacy prompts: when the signed-in account's provider has a policy version, a user
 * flagged `consentRequired` reaches nothing until they accepted that very version there.
 */
export async function mustAcceptPrivacy(ctx: ServiceContext, actor: TActor): Promise<boolean> {
  if (actor.kind !== 'staff' && actor.kind !== 'contact') return false;
  const policy = await privacyPolicyOf(ctx, actor.providerId);
  if (!policy) return false;
  const user = (await ctx.db.select({ required: users.consentRequired }).from(users).where(eq(users.id, actor.userId)))[0];
  return !!user?.required && !await hasAccepted(ctx, actor.userId, actor.providerId, policy.version);
}
