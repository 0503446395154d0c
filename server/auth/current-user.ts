import type { ServiceContext } from '../core/context';
import { areasFor } from '../core/permissions';
import { actorForAccount } from './accounts';
import { accountsForSession } from './sso/account-scope';
import { validateSession } from './session';
import { mustSetUpTwoFactor } from './two-factor-requirement';
import { timeZoneOf } from '../people/time-zone';
import { mustAcceptPrivacy, privacyPolicyOf } from '../privacy/consent-requirement';

/** Who is signed in, which account, and which areas their menus may show. */
export async function getCurrentUser(ctx: ServiceContext, sessionId: string | null) {
  const session = sessionId ? await validateSession(ctx, sessionId) : null;
  if (!session) return null;
  const actor =
    session.accountKind && session.accountId
      ? await actorForAccount(ctx.db, session.user, { kind: session.accountKind, id: session.accountId })
      : null;
  return {
    user: session.user,
    /** The zone the client shows times in; null: the browser's own. */
    timeZone: await timeZoneOf(ctx.db, session.userId),
    accounts: await accountsForSession(ctx, session.id, session.userId),
    account: actor && (actor.kind === 'staff' || actor.kind === 'contact') ? actor : null,
    areas: areasFor(actor ?? { kind: 'anonymous' }),
    mustSetUpTwoFactor: actor ? await mustSetUpTwoFactor(ctx, actor) : false,
    // Privacy prompts: the client shows the consent screen (after any required 2FA setup).
    mustAcceptPrivacy: actor ? await mustAcceptPrivacy(ctx, actor) : false,
    privacyPolicy: actor && actor.kind !== 'anonymous' && actor.kind !== 'system' ? await privacyPolicyOf(ctx, actor.providerId) : null,
  };
}
