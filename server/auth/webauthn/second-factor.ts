import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { loadWebauthn } from './library';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { passSecondFactor, type TSignInResult } from '../sign-in';
import { hashToken } from '../tokens';
import { AssertionRefused, verifyAssertion, type TAssertionFailure } from './assertion';
import { CEREMONY_TIMEOUT_MS, relyingParty } from './relying-party';
import { ZSecondFactorInput, ZSecondFactorOptionsInput } from './schemas';
import { credentialsOf } from './store';
import { findPendingSignIn } from '../pending-sign-ins';
import { issueChallenge } from './challenges';

const EXPIRED = 'This sign-in has expired. Please sign in again.';

/** The user already gave their password here, so the messages may be specific. */
const MESSAGES: Record<TAssertionFailure, string> = {
  challenge: 'That took too long, or the request was already used. Try again.',
  unknown_credential: 'That security key or passkey is not registered to your account. Try another one, or choose another way to verify.',
  other_user: 'That security key or passkey is not registered to your account. Try another one, or choose another way to verify.',
  user_handle: 'That security key or passkey is not registered to your account. Try another one, or choose another way to verify.',
  verification: 'That security key or passkey could not be verified. Try again.',
  counter: 'That security key or passkey was refused. Choose another way to verify, and tell your service provider.',
};

/**
 * "Security key or passkey" on the two-factor step: options listing only the pending user's
 * credentials, with a challenge bound to this pending sign-in.
 */
export async function webauthnSecondFactorOptions(ctx: ServiceContext, input: unknown): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { pendingToken } = ZSecondFactorOptionsInput.parse(input);
  const pending = await findPendingSignIn(ctx, pendingToken);
  if (!pending || pending.secondFactorDone) throw new AppError('UNAUTHENTICATED', EXPIRED);
  const credentials = await credentialsOf(ctx, pending.userId);
  if (credentials.length === 0) throw new AppError('BAD_INPUT', 'You have no security key or passkey. Choose another way to verify.');
  return (await loadWebauthn()).generateAuthenticationOptions({
    rpID: relyingParty(ctx.settings).id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: 'required',
    timeout: CEREMONY_TIMEOUT_MS,
    challenge: await issueChallenge(ctx, 'second-factor', hashToken(pendingToken)),
  });
}

/** Checks the assertion as the second factor, through the one pass-a-factor path (audit, remember device, session limit). */
export async function completeWebauthnSecondFactor(ctx: ServiceContext, input: unknown): Promise<TSignInResult> {
  const { pendingToken, response, rememberDevice } = ZSecondFactorInput.parse(input);
  return passSecondFactor(ctx, pendingToken, 'webauthn', rememberDevice, async (userId, pending) => {
    try {
      await verifyAssertion(ctx, response, { purpose: 'second-factor', bind: hashToken(pendingToken), userId, ip: pending.meta.ip });
    } catch (err) {
      if (err instanceof AssertionRefused) throw new AppError('BAD_INPUT', MESSAGES[err.reason], { reason: err.reason });
      throw err;
    }
  });
}
