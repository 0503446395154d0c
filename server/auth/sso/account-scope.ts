import { eq, inArray } from 'drizzle-orm';
import { contacts } from '../../../db/schema/people';
import { identityProviderCompanies, identityProviders, ssoSessions } from '../../../db/schema/sso';
import { listAccounts, type TAccountChoice } from '../accounts';
import type { ServiceContext } from '../../core/context';

/*
 * An identity provider vouches only for the accounts its settings apply to: its MSP's staff
 * (when turned on) and the client companies linked to it. A person's other accounts (another
 * MSP, a company that signs in with a password) stay out of a session it opened.
 */

/** The accounts of a login identity that this identity provider may sign in; none when it is off. */
export async function accountsInScope(ctx: ServiceContext, idpId: number, userId: number): Promise<TAccountChoice[]> {
  const idp = (await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, idpId)))[0];
  if (!idp || !idp.enabled) return [];
  const all = await listAccounts(ctx.db, userId);
  const contactIds = all.filter((a) => a.kind === 'contact').map((a) => a.id);
  const companyOf = new Map<number, number>();
  if (contactIds.length > 0) {
    const rows = (await ctx.db.select({ id: contacts.id, companyId: contacts.companyId }).from(contacts).where(inArray(contacts.id, contactIds)));
    for (const r of rows) companyOf.set(r.id, r.companyId);
  }
  const linked = new Set(
    (await ctx.db
      .select({ companyId: identityProviderCompanies.companyId })
      .from(identityProviderCompanies)
      .where(eq(identityProviderCompanies.idpId, idpId)))
      .map((r) => r.companyId),
  );
  return all.filter((a) =>
    a.kind === 'staff' ? idp.staffMode !== null && a.providerId === idp.providerId : linked.has(companyOf.get(a.id) ?? -1),
  );
}

/** Remembers that a session was opened through an identity provider (see accountsForSession). */
export async function recordSsoSession(ctx: ServiceContext, sessionId: string, idpId: number): Promise<void> {
  (await ctx.db.insert(ssoSessions).values({ sessionId, idpId, createdAt: ctx.clock.now() }));
}

/** The accounts a session may use: all of its user's, or only the provider's for an SSO session. */
export async function accountsForSession(ctx: ServiceContext, sessionId: string, userId: number): Promise<TAccountChoice[]> {
  const sso = (await ctx.db.select({ idpId: ssoSessions.idpId }).from(ssoSessions).where(eq(ssoSessions.sessionId, sessionId)))[0];
  return sso ? await accountsInScope(ctx, sso.idpId, userId) : await listAccounts(ctx.db, userId);
}

/** The ids of the sessions an identity provider opened (ended when it is turned off or removed). */
export async function sessionsOpenedBy(ctx: ServiceContext, idpId: number): Promise<string[]> {
  return (await ctx.db
    .select({ id: ssoSessions.sessionId })
    .from(ssoSessions)
    .where(eq(ssoSessions.idpId, idpId)))
    .map((r) => r.id);
}
