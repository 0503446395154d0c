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
export function mustSetUpTwoFactor(ctx: ServiceContext, actor: TActor): boolean {
  return isTwoFactorRequired(ctx, actor) && (actor.kind === 'staff' || actor.kind === 'contact') && !hasSecondFactor(ctx, actor.userId);
}

/** Whether this account's provider or company requires a second factor (then it cannot be turned off). */
export function isTwoFactorRequired(ctx: ServiceContext, actor: TActor): boolean {
  // Seed 001: with SSO enforced, the identity provider handles the second factor (when its setting says so).
  return requiredBySettings(ctx, actor) && !ssoReplacesTwoFactor(ctx, actor);
}

function requiredBySettings(ctx: ServiceContext, actor: TActor): boolean {
  if (actor.kind === 'staff') {
    const p = ctx.db.select({ r: providers.requireStaff2fa }).from(providers).where(eq(providers.id, actor.providerId)).get();
    return !!p?.r;
  }
  if (actor.kind === 'contact') {
    const c = ctx.db.select({ r: companies.require2fa }).from(companies).where(eq(companies.id, actor.companyId)).get();
    return !!c?.r;
  }
  return false;
}
