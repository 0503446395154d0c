import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { loadWebauthn } from './library';
import { users } from '../../../db/schema/people';
import { webauthnCredentials } from '../../../db/schema/webauthn';
import { recordAudit } from '../../audit/record-audit';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireRecentAuth } from '../reauthenticate';
import { regenerateRecoveryCodes, remainingRecoveryCodes } from '../totp';
import { readClientChallenge } from './assertion';
import { CEREMONY_TIMEOUT_MS, MAX_CREDENTIALS_PER_USER, relyingParty } from './relying-party';
import { ZRegisterInput } from './schemas';
import { countCredentials, credentialsOf } from './store';
import { consumeChallenge, issueChallenge } from './challenges';

type TSessionRef = { id: string; userId: number; reauthenticatedAt: Date | null };

const TOO_MANY = `You already have ${MAX_CREDENTIALS_PER_USER} passkeys and security keys. Remove one to add another.`;
const NOT_ADDED = 'That passkey or security key could not be added. Try again, or use another one.';

/**
 * "Add a passkey or security key", step 1: the options for navigator.credentials.create().
 * Needs the password in the last 5 minutes; the ceremony must finish within 5 more. User
 * verification (PIN, fingerprint, face) is required, so every key can also sign in alone.
 */
export async function beginWebauthnRegistration(ctx: ServiceContext, session: TSessionRef): Promise<PublicKeyCredentialCreationOptionsJSON> {
  requireRecentAuth(ctx, session);
  const user = (await ctx.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, session.userId)))[0];
  if (!user) throw new AppError('NOT_FOUND', 'Account not found.');
  const existing = await credentialsOf(ctx, session.userId);
  if (existing.length >= MAX_CREDENTIALS_PER_USER) throw new AppError('CONFLICT', TOO_MANY);
  // One opaque handle per user (kept on each of their credentials), never the email or row id.
  const userHandle = existing[0]?.userHandle ?? randomBytes(32).toString('base64url');
  const rp = relyingParty(ctx.settings);
  const challenge = await issueChallenge(ctx, 'register', session.id, userHandle);
  return (await loadWebauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new Uint8Array(Buffer.from(userHandle, 'base64url')),
    challenge,
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    // The same authenticator twice would add nothing; the browser says so instead.
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    // Discoverable when the authenticator can (passkey sign-in); a key that cannot still works as a second factor.
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
}

/**
 * Step 2: checks the authenticator's answer (our challenge, this session, the exact origin
 * and RP id, user verification) and stores the credential. When the user has no unused
 * recovery codes (this is their first second factor, say), ten are made and returned once,
 * so losing the key does not lock them out; otherwise the codes they have stay valid.
 */
export async function finishWebauthnRegistration(
  ctx: ServiceContext,
  session: TSessionRef,
  input: unknown,
  ip: string,
): Promise<{ id: number; recoveryCodes: string[] | null }> {
  const { name, response } = ZRegisterInput.parse(input);
  const challenge = readClientChallenge(response.response.clientDataJSON);
  const issued = challenge ? await consumeChallenge(ctx, challenge, 'register', session.id) : null;
  const refuse = async (reason: string): Promise<never> => {
    await recordAudit(ctx.db, ctx.clock.now(), { kind: 'passkey_registration_failed', userId: session.userId, ip, detail: { reason } });
    throw new AppError('BAD_INPUT', reason === 'challenge' ? 'This request has expired. Try adding the key again.' : NOT_ADDED);
  };
  if (!challenge || !issued?.userHandle) return await refuse('challenge');
  const rp = relyingParty(ctx.settings);
  let verified;
  try {
    verified = await (await loadWebauthn()).verifyRegistrationResponse({
      // The zod schema is the library's shape with bounds; transports are plain strings there too.
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (err) {
    ctx.log.info({ err: (err as Error).message, userId: session.userId }, 'webauthn registration refused');
    return await refuse('verification');
  }
  if (!verified.verified) return await refuse('verification');
  const info = verified.registrationInfo;
  const now = ctx.clock.now();
  const userHandle = issued.userHandle;
  return await ctx.db.transaction(async (tx) => {
    const inTx: ServiceContext = { ...ctx, db: tx };
    // Counted again here: two tabs could both have passed the check in step 1.
    if (await countCredentials(inTx, session.userId) >= MAX_CREDENTIALS_PER_USER) throw new AppError('CONFLICT', TOO_MANY);
    const taken = (await tx.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.credentialId, info.credential.id)))[0];
    if (taken) throw new AppError('CONFLICT', 'That passkey or security key is already registered.');
    const row = (await tx
      .insert(webauthnCredentials)
      .values({
        userId: session.userId,
        credentialId: info.credential.id,
        userHandle,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: (info.credential.transports ?? []).slice(0, 10),
        name,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        createdAt: now,
      })
      .returning({ id: webauthnCredentials.id }))[0]!;
    await recordAudit(tx, now, { kind: 'passkey_added', userId: session.userId, ip, detail: { credential: row.id, name, deviceType: info.credentialDeviceType } });
    const needsCodes = await remainingRecoveryCodes(inTx, session.userId) === 0;
    return { id: row.id, recoveryCodes: needsCodes ? await regenerateRecoveryCodes(inTx, session.userId) : null };
  });
}
