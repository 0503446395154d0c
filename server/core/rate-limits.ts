import type { TDb } from '../../db/client';
import { SharedRateLimiter } from './rate-limiter';

/** An account's lock lasts until someone clears it; a century stands in for that in a fixed window. */
const KEPT_AS_LONG_AS_AN_ACCOUNT_LOCK_MS = 100 * 365 * 24 * 3_600_000;

/** The throttles, counted in the database so every node on it shares them (tests' fresh databases start at zero). */
export function createRateLimits(db: TDb) {
  const limiter = (name: string, limit: number, windowMs: number) => new SharedRateLimiter(db, name, limit, windowMs);
  return {
    /**
     * Failed passwords per IP, and per IP and typed email. Each attempt is counted before argon2
     * runs (so one client cannot burn the CPU or lock out many accounts, however many it sends at
     * once) and a right password gives its place back: an office of any size behind one address
     * signs in every morning, and only failures hold it back.
     */
    passwordPerIp: limiter('password-ip', 30, 10 * 60_000),
    passwordPerIpEmail: limiter('password-ip-email', 10, 10 * 60_000),
    /**
     * Failed passwords per typed email that has no account with a password: counted as an
     * account's `failed_attempts` are, and kept as long (only a right password, a reset or an
     * administrator clears those), so a locked-out answer cannot tell the two apart.
     */
    passwordPerUnknownEmail: limiter('password-email', Number.MAX_SAFE_INTEGER, KEPT_AS_LONG_AS_AN_ACCOUNT_LOCK_MS),
    /** Wrong second-factor codes per user: 5 per 15 minutes. */
    totpPerUser: limiter('totp-user', 5, 15 * 60_000),
    /** Reset emails: per IP and per address, so the form cannot flood an inbox. */
    resetPerIp: limiter('reset-ip', 10, 15 * 60_000),
    resetPerEmail: limiter('reset-email', 3, 15 * 60_000),
    /** "Request access" submissions per IP: 5 an hour. */
    accessRequestsPerIp: limiter('access-request-ip', 5, 60 * 60_000),
    /** Passkey sign-in ceremonies started per IP (each attempt needs one): 30 per 10 minutes; a sign-in gives its place back. */
    passkeyPerIp: limiter('passkey-ip', 30, 10 * 60_000),
    /** Hosted checkouts (Pay Now, Save Card) a user opens: each one is a call to the card gateway. */
    checkoutsPerUser: limiter('checkout-user', 30, 10 * 60_000),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
