import type { TDb } from '../../db/client';
import { SharedRateLimiter } from './rate-limiter';

/** The throttles, counted in the database so every node on it shares them (tests' fresh databases start at zero). */
export function createRateLimits(db: TDb) {
  const limiter = (name: string, limit: number, windowMs: number) => new SharedRateLimiter(db, name, limit, windowMs);
  return {
    /** Checked before argon2 runs, so one client cannot burn the CPU or lock out many accounts. */
    passwordPerIp: limiter('password-ip', 30, 10 * 60_000),
    /** Wrong second-factor codes per user: 5 per 15 minutes. */
    totpPerUser: limiter('totp-user', 5, 15 * 60_000),
    /** Reset emails: per IP and per address, so the form cannot flood an inbox. */
    resetPerIp: limiter('reset-ip', 10, 15 * 60_000),
    resetPerEmail: limiter('reset-email', 3, 15 * 60_000),
    /** "Request access" submissions per IP: 5 an hour. */
    accessRequestsPerIp: limiter('access-request-ip', 5, 60 * 60_000),
    /** Passkey sign-in ceremonies started per IP (each attempt needs one): 30 per 10 minutes. */
    passkeyPerIp: limiter('passkey-ip', 30, 10 * 60_000),
    /** Hosted checkouts (Pay Now, Save Card) a user opens: each one is a call to the card gateway. */
    checkoutsPerUser: limiter('checkout-user', 30, 10 * 60_000),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
