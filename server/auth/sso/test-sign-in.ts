import { and, eq } from 'drizzle-orm';
import { identityProviders, type TIdentityProvider } from '../../../db/schema/sso';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireStaffAdmin } from '../../core/permissions';
import type { TMatchPlan } from './account-matching';
import { storeSealed, takeSealed } from './handoffs';
import type { TExchange } from './login-flow';
import { ZIdentityProviderIdInput, ZTestReportInput } from './schemas';

/*
 * "Test sign-in": a staff admin runs the provider's whole flow (their browser, the
 * provider's login page, the callback) and sees what came back and whom the portal would
 * sign in, without anyone being signed in, linked or logged out. The start URL carries a
 * single-use ticket only that admin's tRPC call can make; the callback hands the report to
 * the Single sign-on page under another single-use token that only the same admin can read.
 */

export type TTestReport = {
  identityProvider: string;
  /** Whether the provider's answer passed every check (tokens, ID token). */
  received: boolean;
  /** Why not, in the provider's or the library's words. */
  error: string | null;
  claims: { sub: string; email: string | null; email_verified: string; name: string | null } | null;
  /** Where the email came from: the ID token, UserInfo, or nowhere. */
  emailFrom: 'id_token' | 'userinfo' | 'none' | null;
  /** What Portico would do. */
  outcome: 'one-account' | 'choose-account' | 'no-match' | 'not-received';
  matchedEmail: string | null;
  accounts: string[];
  /** Why no account matched, and how the match was made. */
  explanation: string;
};

type TTicket = { kind: 'sso-test-ticket'; idpId: number; userId: number };
type TReportPayload = { kind: 'sso-test-report'; userId: number; report: TTestReport };

const shown = (v: unknown): string => (v === undefined ? 'not sent' : JSON.stringify(v));

/** The report the callback builds from the token exchange and the match it would make. */
export function testReportOf(idp: TIdentityProvider, exchanged: TExchange, plan: TMatchPlan | null): TTestReport {
  const base = { identityProvider: idp.displayName, matchedEmail: null, accounts: [] as string[] };
  if (!exchanged.ok) {
    return { ...base, received: false, error: `${exchanged.code}: ${exchanged.detail}`, claims: null, emailFrom: null, outcome: 'not-received', explanation: 'Nothing was received, so nobody would be signed in.' };
  }
  const c = exchanged.claims;
  const claims = {
    sub: c.sub,
    email: typeof c.email === 'string' ? c.email : null,
    email_verified: idp.kind === 'microsoft' && c.email_verified === undefined && c.xms_edov !== undefined ? `not sent (xms_edov: ${shown(c.xms_edov)})` : shown(c.email_verified),
    name: typeof c.name === 'string' ? c.name : null,
  };
  const common = { ...base, received: true, error: null, claims, emailFrom: exchanged.emailFrom };
  if (!plan || !plan.ok) {
    const why =
      plan?.reason === 'no_email' ? 'The provider sent no email address (check that the "email" scope is granted).'
      : plan?.reason === 'email_unverified' ? 'The provider did not send email_verified: true, so the email cannot be trusted.'
      : plan?.reason === 'linked_out_of_scope' ? 'This sub is linked to a portal user none of whose accounts this provider applies to.'
      : plan?.reason === 'out_of_scope' ? 'A portal user has this email, but none of their accounts is in a company (or the staff) this provider applies to.'
      : 'No portal user has this email as their primary email.';
    return { ...common, outcome: 'no-match', explanation: why };
  }
  return {
    ...common,
    outcome: plan.accounts.length === 1 ? 'one-account' : 'choose-account',
    matchedEmail: plan.email,
    accounts: plan.accounts.map((a) => (a.kind === 'staff' ? `Staff of ${a.label}` : a.label)),
    explanation: plan.viaLink ? 'Matched by this sub, linked at an earlier sign-in.' : 'Matched by the verified email; the first real sign-in links this sub.',
  };
}

/** Staff admins: the address that starts a test sign-in with one of their identity providers. */
export async function startTestSignIn(ctx: ServiceContext, input: unknown): Promise<{ url: string }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { id } = ZIdentityProviderIdInput.parse(input);
  const idp = (await ctx.db
    .select({ id: identityProviders.id })
    .from(identityProviders)
    .where(and(eq(identityProviders.id, id), eq(identityProviders.providerId, admin.providerId))))[0];
  if (!idp) throw new AppError('NOT_FOUND', 'Identity provider not found.');
  const ticket: TTicket = { kind: 'sso-test-ticket', idpId: idp.id, userId: admin.userId };
  return { url: `/auth/oidc/${idp.id}/start?test=${await storeSealed(ctx, ticket)}` };
}

/** The start route: the admin whose ticket this is, or null (unknown, used, expired, or another provider's). */
export async function takeTestTicket(ctx: ServiceContext, idpId: number, token: string): Promise<number | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const t = (await takeSealed(ctx, token)) as TTicket | null;
  return t?.kind === 'sso-test-ticket' && t.idpId === idpId ? t.userId : null;
}

/** The callback: keeps the report for the admin who ran the test; the token goes in the page's address. */
export async function saveTestReport(ctx: ServiceContext, userId: number, report: TTestReport): Promise<string> {
  const payload: TReportPayload = { kind: 'sso-test-report', userId, report };
  return await storeSealed(ctx, payload);
}

/** Staff admins: the report of their own test sign-in, once. */
export async function readTestReport(ctx: ServiceContext, input: unknown): Promise<TTestReport> {
  const admin = requireStaffAdmin(ctx.actor);
  const { report } = ZTestReportInput.parse(input);
  const p = (await takeSealed(ctx, report)) as TReportPayload | null;
  if (p?.kind !== 'sso-test-report' || p.userId !== admin.userId) throw new AppError('NOT_FOUND', 'This test has expired. Run it again.');
  return p.report;
}
