import type { ServiceContext } from '../core/context';
import { PendingSignIns } from './pending-sign-ins';
import { WebAuthnChallenges } from './webauthn/challenges';

/** What sign-in keeps between steps: sign-ins waiting on a second step, live WebAuthn challenges. */
export interface TSignInState {
  /** Sign-ins waiting on a step after the password (session limit, second factor). */
  pendingSignIns: PendingSignIns;
  /** Live WebAuthn challenges (single use, 5 minutes). */
  webauthnChallenges: WebAuthnChallenges;
}

const states = new WeakMap<object, TSignInState>();

/**
 * The sign-in state of one installation, kept per database as core/prepared.ts keys its
 * cache: every context derived from the same base (one per call) shares it, and a test's
 * fresh database gets a fresh one. Lives here, not in core/, since it is auth's own.
 */
export function signInState(ctx: Pick<ServiceContext, 'db'>): TSignInState {
  let state = states.get(ctx.db);
  if (!state) states.set(ctx.db, (state = { pendingSignIns: new PendingSignIns(), webauthnChallenges: new WebAuthnChallenges() }));
  return state;
}
