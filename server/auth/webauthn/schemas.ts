import { z } from 'zod';

/*
 * What the browser sends back from navigator.credentials.create()/get(), as
 * @simplewebauthn/browser encodes it. Every field is bounded: credential ids are at most
 * 1023 bytes (WebAuthn L3), keys and signatures a few hundred; attestation is 'none', but
 * some authenticators still send a certificate chain, so that one gets more room.
 */

const b64url = (maxChars: number) =>
  z.string().max(maxChars).regex(/^[A-Za-z0-9_-]*$/, 'Not a base64url value.');

const ZCredentialId = b64url(1400).min(16);
const ZPendingToken = z.string().regex(/^[a-z2-7]{32}$/, 'This sign-in has expired. Please sign in again.');

const ZExtensionResults = z
  .object({ credProps: z.object({ rk: z.boolean().optional() }).optional() })
  .default({});

/** What every credential the browser returns carries around its `response`. */
const credentialEnvelope = {
  id: ZCredentialId,
  rawId: ZCredentialId,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: ZExtensionResults,
};

export const ZRegistrationResponse = z.object({
  ...credentialEnvelope,
  response: z.object({
    clientDataJSON: b64url(4096).min(1),
    attestationObject: b64url(32_768).min(1),
    authenticatorData: b64url(8192).optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4096).optional(),
  }),
});

export const ZAuthenticationResponse = z.object({
  ...credentialEnvelope,
  response: z.object({
    clientDataJSON: b64url(4096).min(1),
    authenticatorData: b64url(4096).min(1),
    signature: b64url(2048).min(1),
    userHandle: b64url(128).optional(),
  }),
});
export type TAuthenticationResponse = z.infer<typeof ZAuthenticationResponse>;

export const ZCredentialName = z.string().trim().min(1, 'Give it a name.').max(64, 'Use at most 64 characters.');

export const ZRegisterInput = z.object({ name: ZCredentialName, response: ZRegistrationResponse });
export const ZRenameInput = z.object({ id: z.number().int().positive(), name: ZCredentialName });
export const ZRemoveInput = z.object({ id: z.number().int().positive() });

export const ZSecondFactorOptionsInput = z.object({ pendingToken: ZPendingToken });
export const ZSecondFactorInput = z.object({
  pendingToken: ZPendingToken,
  response: ZAuthenticationResponse,
  /** "Remember this device for 30 days". */
  rememberDevice: z.boolean().default(false),
});
export const ZPasskeySignInInput = z.object({ response: ZAuthenticationResponse });
