/** Fixed-window counter per key, in memory: one process serves the portal. */
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
