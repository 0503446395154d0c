import type * as oidc from 'openid-client';
import { loadOidc } from './load-oidc';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import type { TIdentityProvider } from '../../../db/schema/sso';
import { clientAuthFor } from './client-auth';

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
export async function discoverProvider(issuerUrl: string, clientId: string, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
  const issuer = new URL(issuerUrl);
  const lib = await loadOidc();
  const config = await lib.discovery(issuer, clientId, undefined, auth, {
    execute: isLoopbackHttp(issuer) ? [lib.allowInsecureRequests] : [],
    timeout: 10,
  });
  lib.enableNonRepudiationChecks(config);
  return config;
}

export function providerConfig(ctx: ServiceContext, idp: TIdentityProvider): Promise<oidc.Configuration> {
  // The sealed secret has a random IV: any save, in any database, makes a new key.
  const key = `${idp.issuerUrl}|${idp.clientId}|${idp.tokenAuthMethod}|${idp.clientSecretSealed}|${idp.signingKeySealed}|${idp.updatedAt.getTime()}`;
  const now = ctx.clock.now().getTime();
  const hit = cache.get(idp.id);
  if (hit && hit.key === key && now - hit.at < TTL_MS) return hit.config;
  const config = clientAuthFor(ctx.settings.secretKey, idp).then((auth) => discoverProvider(idp.issuerUrl, idp.clientId, auth)).catch((err: unknown) => {
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

/**
 * Why discovery failed, in words an administrator can act on: the URL tried and what came
 * back (openid-client keeps the response as the error's cause; a network failure has its own).
 */
export function discoveryFailure(issuerUrl: string, err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const where = cause instanceof Response && cause.url ? cause.url : `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let why: string;
  if (cause instanceof Response) {
    why = `the server answered HTTP ${cause.status}${cause.statusText ? ` ${cause.statusText}` : ''}`;
    // A 200 that is not a usable document (an HTML page, another issuer): say what was wrong with it.
    if (cause.ok) why += ` (${cause.headers.get('content-type') ?? 'no content type'}), which is not a valid discovery document: ${err instanceof Error ? err.message : String(err)}`;
  } else {
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    why = err instanceof Error ? `${err.message}${inner}` : String(err);
  }
  return `Could not read the provider's discovery document at ${where}: ${why}. Check the issuer URL.`;
}
