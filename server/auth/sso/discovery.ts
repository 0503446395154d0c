import type * as oidc from 'openid-client';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { loadOnFirstUse } from '../../core/load-on-first-use';
import { open } from '../../core/secret-box';
import type { TIdentityProvider } from '../../../db/schema/sso';

/** openid-client, loaded by the first single sign-on rather than at start. */
export const loadOidc = loadOnFirstUse(() => import('openid-client'));

/*
 * One openid-client Configuration per identity provider, from its discovery document.
 * Cached for an hour and keyed by the saved values, so an edit takes effect at once;
 * a failed discovery is not cached, so the next sign-in tries again.
 */
const TTL_MS = 60 * 60_000;
const cache = new Map<number, { key: string; at: number; config: Promise<oidc.Configuration> }>();

/** Plain http only for an issuer on this machine (the test identity provider); every real one is https. */
export function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

/**
 * Reads the discovery document and prepares the client. Every ID-token check openid-client
 * makes stays on (issuer, audience, expiry, nonce, azp); `enableNonRepudiationChecks` adds
 * the signature check against the provider's published keys, which the library otherwise
 * leaves to TLS for tokens fetched from the token endpoint.
 */
export async function discoverProvider(issuerUrl: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  const issuer = new URL(issuerUrl);
  const lib = await loadOidc();
  const config = await lib.discovery(issuer, clientId, clientSecret, undefined, {
    execute: isLoopbackHttp(issuer) ? [lib.allowInsecureRequests] : [],
    timeout: 10,
  });
  lib.enableNonRepudiationChecks(config);
  return config;
}

export function providerConfig(ctx: ServiceContext, idp: TIdentityProvider): Promise<oidc.Configuration> {
  // The sealed secret has a random IV: any save, in any database, makes a new key.
  const key = `${idp.issuerUrl}|${idp.clientId}|${idp.clientSecretSealed}|${idp.updatedAt.getTime()}`;
  const now = ctx.clock.now().getTime();
  const hit = cache.get(idp.id);
  if (hit && hit.key === key && now - hit.at < TTL_MS) return hit.config;
  const secret = new TextDecoder().decode(open(ctx.settings.secretKey, idp.clientSecretSealed));
  const config = discoverProvider(idp.issuerUrl, idp.clientId, secret).catch((err: unknown) => {
    cache.delete(idp.id);
    ctx.log.warn({ err, idp: idp.id }, 'identity provider discovery failed');
    throw new AppError('TEMPORARY', `${idp.displayName} cannot be reached right now. Try again in a moment, or sign in with your password.`);
  });
  cache.set(idp.id, { key, at: now, config });
  return config;
}

export function forgetProviderConfig(idpId: number): void {
  cache.delete(idpId);
}

/** Why discovery failed, in words an administrator can act on. */
export function discoveryFailure(issuerUrl: string, err: unknown): string {
  const where = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const cause = err instanceof Error ? err.message : String(err);
  return `Could not read the provider's discovery document at ${where}: ${cause}. Check the issuer URL.`;
}
