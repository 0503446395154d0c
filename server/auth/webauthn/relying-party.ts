import type { TSettings } from '../../settings';

/** Seed 002's "Security key or passkey": at most this many per user. */
export const MAX_CREDENTIALS_PER_USER = 10;
/** How long the browser may wait for the authenticator; the challenge lives as long. */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/**
 * Who we are to an authenticator: the RP id is PUBLIC_URL's host name and the only origin
 * accepted is PUBLIC_URL's origin, exactly (no subdomains, no other port or scheme), so an
 * assertion made for another site, or for this one under another address, is refused.
 */
export function relyingParty(settings: Pick<TSettings, 'publicUrl'>): { id: string; origin: string; name: string } {
  const url = new URL(settings.publicUrl);
  return { id: url.hostname, origin: url.origin, name: 'Portico' };
}
