import { eq } from 'drizzle-orm';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { loadWebauthn } from './library';
import { users } from '../../../db/schema/people';
import { recordAudit } from '../../audit/record-audit';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import type { TSessionMeta } from '../session';
import { passwordRefusedBySso } from '../sso/sign-in-options';
import { afterBothFactors, type TSignInResult } from '../sign-in';
import { AssertionRefused, verifyAssertion } from './assertion';
import { CEREMONY_TIMEOUT_MS, relyingParty } from './relying-party';
import { ZPasskeySignInInput } from './schemas';
import { issueChallenge } from './challenges';

/** One answer for every refusal, so the button cannot be used to learn about accounts or keys. */
const GENERIC_FAILURE = 'That passkey did not work. Try again, or continue with your email address.';

/**
 * "Sign in with a passkey", step 1: options without allowCredentials, so the browser offers
 * the discoverable credentials it holds for this site. Each attempt needs a fresh challenge,
 * so the per-IP limit on these bounds the attempts too.
 */
export async function passkeySignInOptions(ctx: ServiceContext, ip: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if (!await ctx.rateLimits.passkeyPerIp.consume(ip, ctx.clock.now())) {
    throw new AppError('RATE_LIMITED', 'Too many sign-in attempts from your network. Wait a few minutes and try again.');
  }
  return (await loadWebauthn()).generateAuthenticationOptions({
    rpID: relyingParty(ctx.settings).id,
    userVerification: 'required',
    timeout: CEREMONY_TIMEOUT_MS,
    challenge: await issueChallenge(ctx, 'passkey', ''),
  });
}

/**
 * Step 2: the user handle names the account; possession of the key plus user verification
 * (PIN or biometrics) count as both factors. A locked account stays locked, as it does for
 * a right password.
 */
export async function signInWithPasskey(ctx: ServiceContext, input: unknown, meta: TSessionMeta): Promise<TSignInResult> {
  const { response } = ZPasskeySignInInput.parse(input);
  const fail = async (reason: string, userId: number | null): Promise<never> => {
    await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sign_in_failed', userId, ip: meta.ip, detail: { step: 'passkey', reason } });
    throw new AppError('UNAUTHENTICATED', GENERIC_FAILURE);
  };
  let userId: number;
  try {
    userId = (await verifyAssertion(ctx, response, { purpose: 'passkey', bind: '', userId: null, ip: meta.ip })).userId;
  } catch (err) {
    if (err instanceof AssertionRefused) return await fail(err.reason, err.userId);
    throw err;
  }
  const user = (await ctx.db.select({ lockedAt: users.lockedAt }).from(users).where(eq(users.id, userId)))[0];
  if (!user || user.lockedAt) return await fail('locked', userId);
  // The ceremony's place in the per-IP count is given back: only failed or abandoned ones throttle.
  await ctx.rateLimits.passkeyPerIp.refund(meta.ip, ctx.clock.now());
  // Enforced SSO means the identity provider decides who gets in (and who is off-boarded).
  const sso = await passwordRefusedBySso(ctx, userId, 'passkey');
  if (sso) throw new AppError('FORBIDDEN', sso);
  return afterBothFactors(ctx, userId, meta);
}
