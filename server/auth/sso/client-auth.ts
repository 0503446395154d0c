import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto, type JsonWebKey } from 'node:crypto';
import type * as oidc from 'openid-client';
import { loadOidc } from './load-oidc';
import type { TIdentityProvider, TTokenAuthMethod } from '../../../db/schema/sso';
import { open, seal } from '../../core/secret-box';

/*
 * How the portal proves itself at the provider's token endpoint. `client_secret_post` (the
 * secret in the form body) is the default; `client_secret_basic` (HTTP Basic) and
 * `private_key_jwt` (a JWT signed with the portal's own key, whose public half the admin
 * registers at the provider or points it to at /auth/oidc/<slug>/jwks) are for providers
 * that accept only those. The private key never leaves the server; it is sealed at rest.
 */

/** What the portal asks every provider for, shown beside the form. */
export const SSO_SCOPES = 'openid email profile';

/** A new ES256 (P-256) signing key, as sealed PKCS#8 PEM. */
export function newSigningKey(secretKey: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return seal(secretKey, new TextEncoder().encode(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string));
}

const pemOf = (secretKey: string, sealed: string): string => new TextDecoder().decode(open(secretKey, sealed));

/** The public half as a JWK with a `kid` (its RFC 7638 thumbprint), `use` and `alg`. */
export function publicJwk(secretKey: string, sealed: string): JsonWebKey & { kid: string } {
  const jwk = createPublicKey(createPrivateKey(pemOf(secretKey, sealed))).export({ format: 'jwk' });
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, use: 'sig', alg: 'ES256', kid: thumbprint };
}

/** openid-client's client authentication for a provider's saved method. */
export async function clientAuthFor(secretKey: string, idp: Pick<TIdentityProvider, 'tokenAuthMethod' | 'clientSecretSealed' | 'signingKeySealed'>): Promise<oidc.ClientAuth> {
  const method: TTokenAuthMethod = idp.tokenAuthMethod;
  const lib = await loadOidc();
  if (method === 'private_key_jwt') {
    if (!idp.signingKeySealed) throw new Error('private_key_jwt without a signing key');
    const der = createPrivateKey(pemOf(secretKey, idp.signingKeySealed)).export({ format: 'der', type: 'pkcs8' });
    const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    return lib.PrivateKeyJwt({ key, kid: publicJwk(secretKey, idp.signingKeySealed).kid });
  }
  const secret = new TextDecoder().decode(open(secretKey, idp.clientSecretSealed));
  return method === 'client_secret_basic' ? lib.ClientSecretBasic(secret) : lib.ClientSecretPost(secret);
}
