import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { companies, providers } from '../../../db/schema/people';
import { identityProviderCompanies, identityProviders, ssoLinks } from '../../../db/schema/sso';
import { recordAudit } from '../../audit/record-audit';
import { endSession } from '../end-session';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireStaffAdmin } from '../../core/permissions';
import { seal } from '../../core/secret-box';
import { sessionsOpenedBy } from './account-scope';
import { discoverProvider, discoveryFailure, forgetProviderConfig } from './discovery';
import { callbackUrl } from './login-flow';
import { ZIdentityProviderIdInput, ZSaveIdentityProviderInput } from './schemas';

/** Staff admins: the MSP's identity providers (never their secrets), its companies, and the addresses to give the provider. */
export async function listIdentityProviders(ctx: ServiceContext) {
  const admin = requireStaffAdmin(ctx.actor);
  const rows = (await ctx.db.select().from(identityProviders).where(eq(identityProviders.providerId, admin.providerId)).orderBy(asc(identityProviders.id)));
  const ids = rows.map((r) => r.id);
  const links = ids.length
    ? (await ctx.db.select().from(identityProviderCompanies).where(inArray(identityProviderCompanies.idpId, ids)))
    : [];
  const linkedUsers = ids.length
    ? (await ctx.db.select({ idpId: ssoLinks.idpId, n: count() }).from(ssoLinks).where(inArray(ssoLinks.idpId, ids)).groupBy(ssoLinks.idpId))
    : [];
  const provider = (await ctx.db.select({ name: providers.name }).from(providers).where(eq(providers.id, admin.providerId)))[0];
  return {
    providerName: provider?.name ?? '',
    /** Same for every provider of this portal except for the id: shown before the first save too. */
    redirectUriPattern: callbackUrl(ctx, 0).replace('/0/', '/<id>/'),
    identityProviders: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      displayName: r.displayName,
      issuerUrl: r.issuerUrl,
      clientId: r.clientId,
      enabled: r.enabled,
      skipTwoFactor: r.skipTwoFactor,
      hideSignInPage: r.hideSignInPage,
      staffMode: r.staffMode,
      emailDomains: r.emailDomains,
      companies: links.filter((l) => l.idpId === r.id).map((l) => ({ companyId: l.companyId, mode: l.mode })),
      redirectUri: callbackUrl(ctx, r.id),
      initiateLoginUri: `${ctx.settings.publicUrl}/auth/oidc/${r.id}/initiate`,
      linkedUsers: linkedUsers.find((l) => l.idpId === r.id)?.n ?? 0,
    })),
    companies: (await ctx.db
      .select({ id: companies.id, name: companies.name, emailDomains: companies.emailDomains })
      .from(companies)
      .where(and(eq(companies.providerId, admin.providerId), isNull(companies.archivedAt)))
      .orderBy(asc(companies.name))),
  };
}

/**
 * Adds or edits an identity provider. Discovery is tried with the new values first, so a
 * wrong issuer URL is refused with the reason instead of breaking sign-in later. The client
 * secret is sealed with SECRET_KEY; a blank one on an edit keeps the stored secret.
 */
export async function saveIdentityProvider(ctx: ServiceContext, input: unknown, ip: string): Promise<{ id: number }> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZSaveIdentityProviderInput.parse(input);
  const existing = data.id
    ? (await ctx.db
        .select()
        .from(identityProviders)
        .where(and(eq(identityProviders.id, data.id), eq(identityProviders.providerId, admin.providerId))))[0]
    : undefined;
  if (data.id && !existing) throw new AppError('NOT_FOUND', 'Identity provider not found.');
  if (!existing && !data.clientSecret) throw new AppError('BAD_INPUT', 'Enter the client secret.', { field: 'clientSecret' });
  const companyIds = [...new Set(data.companies.map((c) => c.companyId))];
  if (companyIds.length !== data.companies.length) throw new AppError('BAD_INPUT', 'Each company can be listed once.');
  if (companyIds.length) {
    const own = (await ctx.db
      .select({ id: companies.id })
      .from(companies)
      .where(and(inArray(companies.id, companyIds), eq(companies.providerId, admin.providerId))));
    if (own.length !== companyIds.length) throw new AppError('NOT_FOUND', 'Company not found.');
  }

  const secretSealed = data.clientSecret ? seal(ctx.settings.secretKey, new TextEncoder().encode(data.clientSecret)) : existing!.clientSecretSealed;
  // A provider being turned off is not checked: that must work while it is down.
  if (data.enabled) {
    try {
      // Discovery does not use the secret; the stored one stays sealed.
      await discoverProvider(data.issuerUrl, data.clientId, data.clientSecret || 'not-used-by-discovery');
    } catch (err) {
      throw new AppError('BAD_INPUT', discoveryFailure(data.issuerUrl, err), { field: 'issuerUrl' });
    }
  }

  const now = ctx.clock.now();
  const values = {
    kind: data.kind,
    displayName: data.displayName,
    issuerUrl: data.issuerUrl,
    clientId: data.clientId,
    clientSecretSealed: secretSealed,
    enabled: data.enabled,
    skipTwoFactor: data.skipTwoFactor,
    hideSignInPage: data.hideSignInPage,
    staffMode: data.staffMode,
    emailDomains: [...new Set(data.emailDomains)],
    updatedAt: now,
  };
  const id = await ctx.db.transaction(async (tx) => {
    const idpId = existing
      ? ((await tx.update(identityProviders).set(values).where(eq(identityProviders.id, existing.id))), existing.id)
      : (await tx.insert(identityProviders).values({ ...values, providerId: admin.providerId, createdAt: now }).returning({ id: identityProviders.id }))[0]!.id;
    (await tx.delete(identityProviderCompanies).where(eq(identityProviderCompanies.idpId, idpId)));
    if (data.companies.length) (await tx.insert(identityProviderCompanies).values(data.companies.map((c) => ({ idpId, ...c }))));
    await recordAudit(tx, now, {
      kind: 'sso_settings_changed',
      providerId: admin.providerId,
      actorUserId: admin.userId,
      ip,
      detail: {
        action: existing ? 'edited' : 'added',
        identityProvider: data.displayName,
        kind: data.kind,
        issuerUrl: data.issuerUrl,
        enabled: data.enabled,
        skipTwoFactor: data.skipTwoFactor,
        hideSignInPage: data.hideSignInPage,
        staffMode: data.staffMode,
        companies: data.companies.length,
        secretChanged: !!data.clientSecret,
      },
    });
    return idpId;
  });
  forgetProviderConfig(id);
  // Turning a provider off ends the sessions it opened: it no longer vouches for anyone.
  if (existing?.enabled && !data.enabled) await endSessionsOf(ctx, id, admin.userId, admin.providerId, ip);
  return { id };
}

/** Removes an identity provider, its company settings and `sub` links, and ends the sessions it opened. */
export async function removeIdentityProvider(ctx: ServiceContext, input: unknown, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const { id } = ZIdentityProviderIdInput.parse(input);
  const idp = (await ctx.db
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.id, id), eq(identityProviders.providerId, admin.providerId))))[0];
  if (!idp) throw new AppError('NOT_FOUND', 'Identity provider not found.');
  await endSessionsOf(ctx, id, admin.userId, admin.providerId, ip);
  await ctx.db.transaction(async (tx) => {
    (await tx.delete(identityProviders).where(eq(identityProviders.id, id)));
    await recordAudit(tx, ctx.clock.now(), {
      kind: 'sso_settings_changed',
      providerId: admin.providerId,
      actorUserId: admin.userId,
      ip,
      detail: { action: 'removed', identityProvider: idp.displayName, issuerUrl: idp.issuerUrl },
    });
  });
  forgetProviderConfig(id);
}

async function endSessionsOf(ctx: ServiceContext, idpId: number, actorUserId: number, providerId: number, ip: string): Promise<void> {
  for (const sessionId of await sessionsOpenedBy(ctx, idpId)) await endSession(ctx, sessionId, 'ended_by_admin', { actorUserId, providerId, ip });
}
