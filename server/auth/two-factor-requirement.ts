import { eq } from 'drizzle-orm';
import { companies, providers } from '../../db/schema/people';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { hasSecondFactor } from './second-factors';
import { ssoReplacesTwoFactor } from './sso/sign-in-options';

/**
 * Seeds 000/001: when the provider requires 2FA for staff (default on), or a company for
 * its contacts, a user without it is sent to setup and can reach nothing else until done.
 */
export async function mustSetUpTwoFactor(ctx: ServiceContext, actor: TActor): Promise<boolean> {
  return await isTwoFactorRequired(ctx, actor) && (actor.kind === 'staff' || actor.kind === 'contact') && !await hasSecondFactor(ctx, actor.userId);
}

/** Whether this account's provider or company requires a second factor (then it cannot be turned off). */
export async function isTwoFactorRequired(ctx: ServiceContext, actor: TActor): Promise<boolean> {
  // Seed 001: with SSO enforced, the identity provider handles the second factor (when its setting says so).
  return await requiredBySettings(ctx, actor) && !await ssoReplacesTwoFactor(ctx, actor);
}

async function requiredBySettings(ctx: ServiceContext, actor: TActor): Promise<boolean> {
  if (actor.kind === 'staff') {
    const p = (await ctx.db.select({ r: providers.requireStaff2fa }).from(providers).where(eq(providers.id, actor.providerId)))[0];
    return !!p?.r;
  }
  if (actor.kind === 'contact') {
    const c = (await ctx.db.select({ r: companies.require2fa }).from(companies).where(eq(companies.id, actor.companyId)))[0];
    return !!c?.r;
  }
  return false;
}
