import type { TActor } from '../core/actor';
import type { TAppErrorCode } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { mustAcceptPrivacy } from '../privacy/consent-requirement';
import { actorForAccount } from './accounts';
import { validateSession, type TValidSession } from './session';
import { mustSetUpTwoFactor } from './two-factor-requirement';

/**
 * How far a request's session gets: no live session; signed in but no account chosen; an
 * account that must still set up two-factor authentication or accept the privacy policy;
 * or through. Every transport asks here (tRPC procedures, file routes, the .eml download),
 * so the rules and their wording are written once.
 */
export type TSignInGate =
  | { kind: 'signed_out' }
  | { kind: 'choose_account'; session: TValidSession }
  | { kind: 'two_factor_setup' | 'privacy_consent'; session: TValidSession; actor: TActor }
  | { kind: 'through'; session: TValidSession; actor: TActor };

export type TGateRefusal = Exclude<TSignInGate['kind'], 'through'>;

/** What each stop says, and the service error code it maps to. */
export const GATE_REFUSALS: Record<TGateRefusal, { code: TAppErrorCode; message: string }> = {
  signed_out: { code: 'UNAUTHENTICATED', message: 'Please sign in.' },
  choose_account: { code: 'UNAUTHENTICATED', message: 'Choose an account to continue.' },
  two_factor_setup: { code: 'FORBIDDEN', message: 'Set up two-factor authentication to continue.' },
  privacy_consent: { code: 'FORBIDDEN', message: 'Accept the privacy policy to continue.' },
};

export async function passSignInGate(ctx: ServiceContext, sessionId: string | null): Promise<TSignInGate> {
  const session = sessionId ? await validateSession(ctx, sessionId) : null;
  if (!session) return { kind: 'signed_out' };
  const actor = session.accountKind && session.accountId ? await actorForAccount(ctx.db, session.user, { kind: session.accountKind, id: session.accountId }) : null;
  if (!actor) return { kind: 'choose_account', session };
  if (await mustSetUpTwoFactor(ctx, actor)) return { kind: 'two_factor_setup', session, actor };
  if (await mustAcceptPrivacy(ctx, actor)) return { kind: 'privacy_consent', session, actor };
  return { kind: 'through', session, actor };
}
