import { and, asc, eq, isNull } from 'drizzle-orm';
import { companies, contacts, staffMembers } from '../../../db/schema/people';
import { identityProviderCompanies, identityProviders, type TIdpKind } from '../../../db/schema/sso';
import { listAccounts } from '../accounts';
import { hasSecondFactor } from '../second-factors';
import type { TActor } from '../../core/actor';
import type { ServiceContext } from '../../core/context';

export type TSsoButton = { id: number; name: string; kind: TIdpKind; url: string };

/** Where a browser starts signing in with an identity provider (server/http/sso-routes.ts). */
export const ssoStartPath = (idpId: number, loginHint?: string): string =>
  `/auth/oidc/${idpId}/start${loginHint ? `?login_hint=${encodeURIComponent(loginHint)}` : ''}`;

const enabledProviders = async (ctx: ServiceContext) =>
  (await ctx.db.select().from(identityProviders).where(eq(identityProviders.enabled, true)).orderBy(asc(identityProviders.id)));

const enabledLinks = async (ctx: ServiceContext) =>
  (await ctx.db
    .select({ idpId: identityProviderCompanies.idpId, companyId: identityProviderCompanies.companyId, mode: identityProviderCompanies.mode })
    .from(identityProviderCompanies)
    .innerJoin(identityProviders, eq(identityProviders.id, identityProviderCompanies.idpId))
    .where(eq(identityProviders.enabled, true)));

/**
 * The email-first step's options (seed 002), decided by the address's domain alone so the
 * answer is the same whether or not an account exists: the "Continue with …" buttons of the
 * enabled providers that list the domain or apply to a company that owns it, and the
 * password form unless every owner of the domain has SSO enforced. A domain nobody owns
 * gets the password form only.
 */
export async function signInOptionsFor(ctx: ServiceContext, email: string): Promise<{ password: boolean; sso: TSsoButton[] }> {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const idps = await enabledProviders(ctx);
  const links = await enabledLinks(ctx);
  const owners = (await ctx.db
    .select({ id: companies.id, emailDomains: companies.emailDomains })
    .from(companies)
    .where(isNull(companies.archivedAt)))
    .filter((c) => c.emailDomains.includes(domain));
  const shown = new Set<number>();
  const enforced: boolean[] = [];
  for (const c of owners) {
    const mine = links.filter((l) => l.companyId === c.id);
    for (const l of mine) shown.add(l.idpId);
    enforced.push(mine.some((l) => l.mode === 'sso'));
  }
  for (const idp of idps) {
    if (!idp.emailDomains.includes(domain)) continue;
    shown.add(idp.id);
    // A provider's own domains are its staff's: they are enforced when staff must use SSO.
    enforced.push(idp.staffMode === 'sso');
  }
  return {
    password: enforced.length === 0 || enforced.some((e) => !e),
    sso: idps.filter((i) => shown.has(i.id)).map((i) => ({ id: i.id, name: i.displayName, kind: i.kind, url: ssoStartPath(i.id, email) })),
  };
}

type TAccountRef = { kind: 'staff' | 'contact'; id: number; providerId: number };

/** Whether SSO is enforced for one account (staff of an MSP that enforces it, a contact of an enforced company); `skip`: and 2FA is left to the provider. */
async function enforcedFor(ctx: ServiceContext, account: TAccountRef, skip: boolean): Promise<boolean> {
  if (account.kind === 'staff') {
    return (await enabledProviders(ctx)).some((i) => i.providerId === account.providerId && i.staffMode === 'sso' && (!skip || i.skipTwoFactor));
  }
  return (await ctx.db
    .select({ skip: identityProviders.skipTwoFactor })
    .from(identityProviderCompanies)
    .innerJoin(identityProviders, eq(identityProviders.id, identityProviderCompanies.idpId))
    .innerJoin(contacts, eq(contacts.companyId, identityProviderCompanies.companyId))
    .where(and(eq(contacts.id, account.id), eq(identityProviderCompanies.mode, 'sso'), eq(identityProviders.enabled, true))))
    .some((r) => !skip || r.skip);
}

/**
 * Password (and passkey) sign-in is refused when SSO is enforced for any of the person's accounts. Break
 * glass: a staff administrator who has a second factor may still use the password (and that
 * factor), so a broken identity provider cannot lock the MSP out of its own portal.
 */
export async function passwordRefusedBySso(ctx: ServiceContext, userId: number, credential: 'password' | 'passkey' = 'password'): Promise<string | null> {
  let enforced = false;
  for (const a of await listAccounts(ctx.db, userId)) if (await enforcedFor(ctx, a, false)) enforced = true;
  if (!enforced) return null;
  const admin = (await ctx.db
    .select({ id: staffMembers.id })
    .from(staffMembers)
    .where(and(eq(staffMembers.userId, userId), eq(staffMembers.role, 'admin'), eq(staffMembers.active, true))))[0];
  if (admin && await hasSecondFactor(ctx, userId)) return null;
  return `Your service provider requires single sign-on for your account. Use the "Continue with" button instead of a ${credential}.`;
}

/**
 * Seed 001: "Two-factor authentication is mandatory when single sign-on is not enabled".
 * An account that can only sign in through a provider that handles 2FA itself is not
 * sent to set up the portal's own.
 */
export async function ssoReplacesTwoFactor(ctx: ServiceContext, actor: TActor): Promise<boolean> {
  if (actor.kind === 'staff') return await enforcedFor(ctx, { kind: 'staff', id: actor.staffId, providerId: actor.providerId }, true);
  if (actor.kind === 'contact') return await enforcedFor(ctx, { kind: 'contact', id: actor.contactId, providerId: actor.providerId }, true);
  return false;
}

/** Seed 000 "the login page will be hidden": where /sign-in sends browsers instead, if a provider asks for it. */
export async function hiddenSignInTarget(ctx: ServiceContext): Promise<string | null> {
  const idp = (await enabledProviders(ctx)).find((i) => i.hideSignInPage);
  return idp ? ssoStartPath(idp.id) : null;
}
