import { and, eq } from 'drizzle-orm';
import { users } from '../../../db/schema/people';
import { ssoLinks, type TIdentityProvider } from '../../../db/schema/sso';
import { recordAudit } from '../../audit/record-audit';
import type { ServiceContext } from '../../core/context';
import type { TAccountChoice } from '../accounts';
import { accountsInScope } from './account-scope';

export type TIdTokenClaims = { sub: string; email?: unknown; email_verified?: unknown; xms_edov?: unknown; name?: unknown };
export type TMatch = { ok: true; userId: number; linked: boolean } | { ok: false; reason: string; message: string };

const noMatch = (idp: TIdentityProvider, email: string): { ok: false; reason: string; message: string } => ({
  ok: false,
  reason: 'no_account',
  // Seed 000: "If no account matched, you will be brought back to the login page and must log in with your Client Portal user account."
  message: `No portal account that can use ${idp.displayName} matches ${email}. Log in with your Client Portal user account (email and password) instead.`,
});

/** What a provider's user would sign in as, found without changing anything ("Test sign-in" shows it). */
export type TMatchPlan =
  | { ok: true; userId: number; email: string; viaLink: boolean; accounts: TAccountChoice[] }
  | { ok: false; reason: string; message: string; userId?: number };

/**
 * Which login identity the provider's user is. A `sub` linked before wins (a later email
 * change at the provider cannot move it to another account); otherwise the email from the
 * ID token, only when the provider says it is verified, against users' primary emails, and
 * only when that person has an account this provider applies to. Reads only.
 */
export async function planSsoMatch(ctx: ServiceContext, idp: TIdentityProvider, claims: TIdTokenClaims): Promise<TMatchPlan> {
  const link = (await ctx.db
    .select()
    .from(ssoLinks)
    .where(and(eq(ssoLinks.idpId, idp.id), eq(ssoLinks.subject, claims.sub))))[0];
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (link) {
    const accounts = await accountsInScope(ctx, idp.id, link.userId);
    if (accounts.length === 0) return { ...noMatch(idp, email || 'your sign-in'), reason: 'linked_out_of_scope', userId: link.userId };
    const linkedEmail = (await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, link.userId)))[0]?.email ?? '';
    return { ok: true, userId: link.userId, email: linkedEmail, viaLink: true, accounts };
  }
  if (!email) {
    return { ok: false, reason: 'no_email', message: `${idp.displayName} did not share your email address, so no portal account can be matched. Log in with your Client Portal user account instead.` };
  }
  // Entra ID sends no email_verified; its optional claim xms_edov says the domain owner verified it.
  const verified = claims.email_verified === true || (idp.kind === 'microsoft' && claims.xms_edov === true);
  if (!verified) {
    return {
      ok: false,
      reason: 'email_unverified',
      message: `${idp.displayName} has not verified ${email}, so it cannot be matched to a portal account. Log in with your Client Portal user account instead.`,
    };
  }
  const user = (await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0];
  if (!user) return noMatch(idp, email);
  const accounts = await accountsInScope(ctx, idp.id, user.id);
  if (accounts.length === 0) return { ...noMatch(idp, email), reason: 'out_of_scope', userId: user.id };
  return { ok: true, userId: user.id, email, viaLink: false, accounts };
}

/** Matches the provider's user (planSsoMatch) and links `sub` on the first match. */
export async function matchSsoAccount(ctx: ServiceContext, idp: TIdentityProvider, claims: TIdTokenClaims, ip: string): Promise<TMatch> {
  const plan = await planSsoMatch(ctx, idp, claims);
  if (!plan.ok) return { ok: false, reason: plan.reason === 'no_email' || plan.reason === 'email_unverified' ? plan.reason : 'no_account', message: plan.message };
  const now = ctx.clock.now();
  if (plan.viaLink) {
    (await ctx.db.update(ssoLinks).set({ lastUsedAt: now }).where(and(eq(ssoLinks.idpId, idp.id), eq(ssoLinks.subject, claims.sub))));
    return { ok: true, userId: plan.userId, linked: false };
  }
  (await ctx.db.insert(ssoLinks).values({ idpId: idp.id, subject: claims.sub, userId: plan.userId, createdAt: now, lastUsedAt: now }).onConflictDoNothing());
  await recordAudit(ctx.db, now, { kind: 'sso_linked', userId: plan.userId, providerId: idp.providerId, email: plan.email, ip, detail: { identityProvider: idp.displayName } });
  return { ok: true, userId: plan.userId, linked: true };
}
