import { RateLimiter } from './rate-limiter';

/** The process-wide throttles, created once at start (tests make their own). */
export function createRateLimits() {
  return {
    /** Checked before argon2 runs, so one client cannot burn the CPU or lock out many accounts. */
    passwordPerIp: new RateLimiter(30, 10 * 60_000),
    /** Wrong second-factor codes per user: 5 per 15 minutes. */
    totpPerUser: new RateLimiter(5, 15 * 60_000),
    /** Reset emails: per IP and per address, so the form cannot flood an inbox. */
    resetPerIp: new RateLimiter(10, 15 * 60_000),
    resetPerEmail: new RateLimiter(3, 15 * 60_000),
    /** "Request access" submissions per IP: 5 an hour. */
    accessRequestsPerIp: new RateLimiter(5, 60 * 60_000),
    /** Passkey sign-in ceremonies started per IP (each attempt needs one): 30 per 10 minutes. */
    passkeyPerIp: new RateLimiter(30, 10 * 60_000),
    /** Hosted checkouts (Pay Now, Save Card) a user opens: each one is a call to the card gateway. */
    checkoutsPerUser: new RateLimiter(30, 10 * 60_000),
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;
