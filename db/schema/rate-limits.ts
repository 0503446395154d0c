import { index, int, primaryKey, table, text, timestamp } from './dialect';

/**
 * Fixed-window throttles shared by every node on the database (server/core/rate-limiter.ts):
 * one row per limit and key (an IP, a user id, an email), counted by one upsert, so attempts
 * sent to several nodes at once add up. Rows past `resets_at` are swept.
 */
export const rateLimits = table(
  'rate_limits',
  {
    /** Which throttle: 'password-ip', 'totp-user', … */
    name: text('name').notNull(),
    key: text('key').notNull(),
    count: int('count').notNull(),
    resetsAt: timestamp('resets_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.key] }), index('rate_limits_resets').on(t.resetsAt)],
);
