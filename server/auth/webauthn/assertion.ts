import { and, eq, lt } from 'drizzle-orm';
import { loadWebauthn } from './library';
import { webauthnCredentials, type TWebauthnCredential } from '../../../db/schema/webauthn';
import { recordAudit } from '../../audit/record-audit';
import type { ServiceContext } from '../../core/context';
import { consumeChallenge, type TChallengePurpose } from './challenges';
import { relyingParty } from './relying-party';
import type { TAuthenticationResponse } from './schemas';
import { credentialById } from './store';

/** Why an assertion was refused: for the audit log and logs only, never shown to the user. */
export type TAssertionFailure = 'challenge' | 'unknown_credential' | 'other_user' | 'user_handle' | 'verification' | 'counter';

export class AssertionRefused extends Error {
  constructor(
    readonly reason: TAssertionFailure,
    /** The credential's owner, when the credential was found. */
    readonly userId: number | null,
  ) {
    super(`assertion refused: ${reason}`);
  }
}

/** The challenge the browser signed, read from clientDataJSON (checked again by the library). */
export function readClientChallenge(clientDataJSON: string): string | null {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (data as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && challenge.length <= 512 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Checks a navigator.credentials.get() answer: our live challenge for this purpose and
 * binding (taken out of the store first, so it works once whatever follows), a credential
 * we know (of `userId`, when the user is already known), the user handle for a passkey
 * sign-in, the exact origin and RP id, user verification, the signature, and the counter.
 *
 * The counter is checked here rather than by the library, after the signature: only a
 * correctly signed assertion with a counter not above the stored one (either non-zero)
 * means a cloned authenticator, and that is audited as suspicious; a forged one is not.
 * Returns the credential, its counter and last use updated.
 */
export async function verifyAssertion(
  ctx: ServiceContext,
  response: TAuthenticationResponse,
  expected: { purpose: Exclude<TChallengePurpose, 'register'>; bind: string; userId: number | null; ip: string | null },
): Promise<TWebauthnCredential> {
  const challenge = readClientChallenge(response.response.clientDataJSON);
  const live = challenge && await consumeChallenge(ctx, challenge, expected.purpose, expected.bind);
  if (!challenge || !live) throw new AssertionRefused('challenge', expected.userId);
  const row = await credentialById(ctx, response.id);
  if (!row) throw new AssertionRefused('unknown_credential', expected.userId);
  if (expected.userId !== null && row.userId !== expected.userId) throw new AssertionRefused('other_user', expected.userId);
  // A passkey sign-in names the user only through the handle: it must be the one we gave this credential.
  if (expected.purpose === 'passkey' && response.response.userHandle !== row.userHandle) throw new AssertionRefused('user_handle', row.userId);

  const rp = relyingParty(ctx.settings);
  let info;
  try {
    const result = await (await loadWebauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      // Counter 0 turns the library's own counter check off; ours follows the signature check.
      credential: { id: row.credentialId, publicKey: new Uint8Array(Buffer.from(row.publicKey, 'base64url')), counter: 0, transports: row.transports },
    });
    if (!result.verified) throw new Error('signature');
    info = result.authenticationInfo;
  } catch (err) {
    ctx.log.info({ err: (err as Error).message, credential: row.id }, 'webauthn assertion refused');
    throw new AssertionRefused('verification', row.userId);
  }

  const now = ctx.clock.now();
  const counted = info.newCounter > 0 || row.counter > 0;
  const updated = (await ctx.db
    .update(webauthnCredentials)
    .set({ counter: info.newCounter, lastUsedAt: now, backedUp: info.credentialBackedUp })
    // Conditional on the stored counter, so two racing assertions cannot both pass with one value.
    .where(and(eq(webauthnCredentials.id, row.id), counted ? lt(webauthnCredentials.counter, info.newCounter) : undefined))
    .returning({ id: webauthnCredentials.id }))[0]!;
  if (!updated) {
    await recordAudit(ctx.db, now, {
      kind: 'passkey_counter_suspicious',
      userId: row.userId,
      ip: expected.ip,
      detail: { credential: row.id, name: row.name, storedCounter: row.counter, receivedCounter: info.newCounter, purpose: expected.purpose },
    });
    throw new AssertionRefused('counter', row.userId);
  }
  return { ...row, counter: info.newCounter, lastUsedAt: now, backedUp: info.credentialBackedUp };
}
