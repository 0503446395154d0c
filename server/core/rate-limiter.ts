import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { rateLimits } from '../../db/schema/rate-limits';

/**
 * Fixed-window counter per key, kept in the database so every node on it counts together
 * (attempts spread over several nodes add up). One statement per attempt: an upsert that
 * starts a new window when the stored one has ended, else adds one, and returns the count.
 */
export class SharedRateLimiter {
  constructor(
    private readonly db: TDb,
    /** Names the throttle in the table ('password-ip', …). */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; false when the key is over its limit for this window. */
  async consume(key: string, now: Date): Promise<boolean> {
    return (await this.hit(key, now)) <= this.limit;
  }

  /** Counts one attempt and returns the window's count so far, this one included. */
  async hit(key: string, now: Date): Promise<number> {
    const at = sql.param(now, rateLimits.resetsAt);
    const row = (await this.db
      .insert(rateLimits)
      .values({ name: this.name, key, count: 1, resetsAt: new Date(now.getTime() + this.windowMs) })
      .onConflictDoUpdate({
        target: [rateLimits.name, rateLimits.key],
        set: {
          count: sql`case when ${rateLimits.resetsAt} <= ${at} then 1 else ${rateLimits.count} + 1 end`,
          resetsAt: sql`case when ${rateLimits.resetsAt} <= ${at} then excluded.resets_at else ${rateLimits.resetsAt} end`,
        },
      })
      .returning({ count: rateLimits.count }))[0]!;
    return row.count;
  }

  /**
   * Gives back an attempt counted by `consume` that turned out not to need counting (a
   * throttle of failures counts each attempt before it runs, so that attempts arriving at
   * once cannot pass the limit together, and a success returns its place).
   */
  async refund(key: string, now: Date): Promise<void> {
    (await this.db
      .update(rateLimits)
      .set({ count: sql`${rateLimits.count} - 1` })
      .where(and(eq(rateLimits.name, this.name), eq(rateLimits.key, key), gt(rateLimits.count, 0), gt(rateLimits.resetsAt, now))));
  }

  async reset(key: string): Promise<void> {
    (await this.db.delete(rateLimits).where(and(eq(rateLimits.name, this.name), eq(rateLimits.key, key))));
  }
}

/** Drops the counters whose window has ended; safe on every node at once. */
export async function sweepRateLimits(db: TDb, now: Date): Promise<number> {
  return (await db.delete(rateLimits).where(lte(rateLimits.resetsAt, now)).returning({ key: rateLimits.key })).length;
}

/**
 * The same counter in memory, for one node's own traffic: the SMTP listener's per-sender
 * limit, asked synchronously for every message (each node counts the mail it receives).
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; false when the key is over its limit for this window. */
  consume(key: string, nowMs: number): boolean {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= nowMs) {
      if (this.hits.size > 50_000) this.prune(nowMs);
      this.hits.set(key, { count: 1, resetAt: nowMs + this.windowMs });
      return true;
    }
    entry.count += 1;
    return entry.count <= this.limit;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private prune(nowMs: number): void {
    for (const [k, v] of this.hits) if (v.resetAt <= nowMs) this.hits.delete(k);
  }
}
