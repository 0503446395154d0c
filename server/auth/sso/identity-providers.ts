import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { companies, providers } from '../../../db/schema/people';
import { identityProviderCompanies, identityProviders, ssoLinks, type TSsoMode } from '../../../db/schema/sso';
import { recordAudit } from '../../audit/record-audit';
import { endSession } from '../end-session';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireStaffAdmin } from '../../core/permissions';
import { seal } from '../../core/secret-box';
import { sessionsOpenedBy } from './account-scope';
import { newSigningKey, publicJwk, SSO_SCOPES } from './client-auth';
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
    /** Same for every provider of this portal except for the slug the admin picks: shown before the first save. */
    redirectUriPattern: callbackUrl(ctx, '<slug>'),
    jwksUriPattern: `${ctx.settings.publicUrl}/auth/oidc/<slug>/jwks`,
    scopes: SSO_SCOPES,
    identityProviders: rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      kind: r.kind,
      tokenAuthMethod: r.tokenAuthMethod,
      /** private_key_jwt: the public key to register at the provider (or its jwks_uri). */
      publicJwk: r.signingKeySealed ? JSON.stringify(publicJwk(ctx.settings.secretKey, r.signingKeySealed)) : null,
      jwksUri: r.signingKeySealed ? `${ctx.settings.publicUrl}/auth/oidc/${r.slug}/jwks` : null,
      displayName: r.displayName,
      issuerUrl: r.issuerUrl,
      clientId: r.clientId,
      enabled: r.enabled,
      skipTwoFactor: r.skipTwoFactor,
      hideSignInPage: r.hideSignInPage,
      staffMode: r.staffMode,
      emailDomains: r.emailDomains,
      companies: links.filter((l) => l.idpId === r.id).map((l) => ({ companyId: l.companyId, mode: l.mode })),
      redirectUri: callbackUrl(ctx, r.slug),
      initiateLoginUri: `${ctx.settings.publicUrl}/auth/oidc/${r.slug}/initiate`,
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
  const usesSecret = data.tokenAuthMethod !== 'private_key_jwt';
  // A secret is needed unless one is stored already (an edit) or the key pair replaces it.
  if (usesSecret && !data.clientSecret && !(existing && existing.tokenAuthMethod !== 'private_key_jwt')) {
    throw new AppError('BAD_INPUT', 'Enter the client secret.', { field: 'clientSecret' });
  }
  // The slug is fixed once saved: the provider has the redirect URI made from it.
  const slug = existing?.slug ?? data.slug;
  if (!slug) throw new AppError('BAD_INPUT', 'Choose the name in the redirect URI.', { field: 'slug' });
  if (!existing && (await ctx.db.select({ id: identityProviders.id }).from(identityProviders).where(eq(identityProviders.slug, slug))).length > 0) {
    throw new AppError('CONFLICT', 'Another identity provider uses this name in its redirect URI. Choose another.', { field: 'slug' });
  }
  const companyIds = [...new Set(data.companies.map((c) => c.companyId))];
  if (companyIds.length !== data.companies.length) throw new AppError('BAD_INPUT', 'Each company can be listed once.');
  if (companyIds.length) {
    const own = (await ctx.db
      .select({ id: companies.id })
      .from(companies)
      .where(and(inArray(companies.id, companyIds), eq(companies.providerId, admin.providerId))));
    if (own.length !== companyIds.length) throw new AppError('NOT_FOUND', 'Company not found.');
  }

  const secretSealed = data.clientSecret
    ? seal(ctx.settings.secretKey, new TextEncoder().encode(data.clientSecret))
    : (existing?.clientSecretSealed ?? seal(ctx.settings.secretKey, new Uint8Array()));
  // The key pair is made once and kept (the provider has its public half), also across a switch back and forth.
  const signingKeySealed = existing?.signingKeySealed ?? (data.tokenAuthMethod === 'private_key_jwt' ? newSigningKey(ctx.settings.secretKey) : null);
  // A provider being turned off is not checked: that must work while it is down.
  if (data.enabled) {
    try {
      // Discovery does not authenticate; the stored secret stays sealed.
      await discoverProvider(data.issuerUrl, data.clientId);
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
    tokenAuthMethod: data.tokenAuthMethod,
    signingKeySealed,
    enabled: data.enabled,
    skipTwoFactor: data.skipTwoFactor,
    hideSignInPage: data.hideSignInPage,
    staffMode: data.staffMode,
    emailDomains: [...new Set(data.emailDomains)],
    updatedAt: now,
  };
  const changes = await describeChanges(ctx, admin.providerId, existing, data);
  const id = await ctx.db.transaction(async (tx) => {
    const idpId = existing
      ? ((await tx.update(identityProviders).set(values).where(eq(identityProviders.id, existing.id))), existing.id)
      : (await tx.insert(identityProviders).values({ ...values, slug, providerId: admin.providerId, createdAt: now }).returning({ id: identityProviders.id }))[0]!.id;
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
        clientId: data.clientId,
        // What changed, in words; never the secret itself.
        changes,
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

const MODE_WORDS: Record<TSsoMode | 'password', string> = { password: 'Password only', both: 'Password or SSO', sso: 'SSO only' };
const modeWords = (m: TSsoMode | null | undefined) => MODE_WORDS[m ?? 'password'];
const yesNo = (b: boolean) => (b ? 'on' : 'off');

/** Each setting a save changes, as "what: old → new" (a new provider starts from nothing). */
async function describeChanges(
  ctx: ServiceContext,
  providerId: number,
  existing: typeof identityProviders.$inferSelect | undefined,
  data: ReturnType<typeof ZSaveIdentityProviderInput.parse>,
): Promise<string[]> {
  const changes: string[] = [];
  const diff = (what: string, before: string | null, after: string) => {
    if (before !== after) changes.push(before === null ? `${what}: ${after}` : `${what}: ${before} → ${after}`);
  };
  const was = existing ?? null;
  diff('Button name', was?.displayName ?? null, data.displayName);
  diff('Issuer URL', was?.issuerUrl ?? null, data.issuerUrl);
  diff('Client ID', was?.clientId ?? null, data.clientId);
  diff('Token endpoint authentication', was?.tokenAuthMethod ?? null, data.tokenAuthMethod);
  if (data.clientSecret) changes.push(was ? 'Client secret replaced' : 'Client secret set');
  diff('Enabled', was ? yesNo(was.enabled) : null, yesNo(data.enabled));
  diff("Skip the portal's two-factor authentication", was ? yesNo(was.skipTwoFactor) : null, yesNo(data.skipTwoFactor));
  diff('Hide the sign-in page', was ? yesNo(was.hideSignInPage) : null, yesNo(data.hideSignInPage));
  diff('Email domains', was ? was.emailDomains.join(', ') || 'none' : null, [...new Set(data.emailDomains)].join(', ') || 'none');
  diff('Staff', modeWords(was?.staffMode), modeWords(data.staffMode));
  const before = new Map(
    was ? (await ctx.db.select().from(identityProviderCompanies).where(eq(identityProviderCompanies.idpId, was.id))).map((l) => [l.companyId, l.mode]) : [],
  );
  const after = new Map(data.companies.map((c) => [c.companyId, c.mode]));
  const touched = [...new Set([...before.keys(), ...after.keys()])].filter((c) => before.get(c) !== after.get(c));
  if (touched.length) {
    const names = new Map(
      (await ctx.db
        .select({ id: companies.id, name: companies.name })
        .from(companies)
        .where(and(inArray(companies.id, touched), eq(companies.providerId, providerId))))
        .map((c) => [c.id, c.name]),
    );
    for (const c of touched.sort((a, b) => (names.get(a) ?? '').localeCompare(names.get(b) ?? ''))) {
      changes.push(`${names.get(c) ?? `Company ${c}`}: ${modeWords(before.get(c))} → ${modeWords(after.get(c))}`);
    }
  }
  return changes;
}

/** The provider a route's `<id>` names: its slug, or (for providers added before slugs, and start links) its id. */
export async function identityProviderIdOf(ctx: ServiceContext, slugOrId: string): Promise<number | null> {
  const where = /^\d+$/.test(slugOrId) ? eq(identityProviders.id, Number(slugOrId)) : eq(identityProviders.slug, slugOrId);
  return (await ctx.db.select({ id: identityProviders.id }).from(identityProviders).where(where))[0]?.id ?? null;
}

/** The public JWK of a provider that uses private_key_jwt (null otherwise). */
export async function signingPublicKey(ctx: ServiceContext, idpId: number): Promise<ReturnType<typeof publicJwk> | null> {
  const row = (await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, idpId)))[0];
  return row?.signingKeySealed && row.tokenAuthMethod === 'private_key_jwt' ? publicJwk(ctx.settings.secretKey, row.signingKeySealed) : null;
}

async function endSessionsOf(ctx: ServiceContext, idpId: number, actorUserId: number, providerId: number, ip: string): Promise<void> {
  for (const sessionId of await sessionsOpenedBy(ctx, idpId)) await endSession(ctx, sessionId, 'ended_by_admin', { actorUserId, providerId, ip });
}
