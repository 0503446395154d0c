import { generateToken, hashToken } from './tokens';
import type { TSessionMeta } from './session';

/**
 * A password that was verified but whose sign-in still waits on a step (ending a session
 * over the limit; later, the second factor). Held in memory for 5 minutes under the hash
 * of a token the browser keeps; one process serves the portal.
 */
export interface TPendingSignIn {
  userId: number;
  meta: TSessionMeta;
  expiresAt: number;
  /** Whether the second factor has been passed (or is not needed). */
  secondFactorDone: boolean;
}

const TTL_MS = 5 * 60_000;

export class PendingSignIns {
  private readonly byHash = new Map<string, TPendingSignIn>();

  create(userId: number, meta: TSessionMeta, nowMs: number, secondFactorDone: boolean): string {
    if (this.byHash.size > 10_000) this.prune(nowMs);
    const token = generateToken();
    this.byHash.set(hashToken(token), { userId, meta, expiresAt: nowMs + TTL_MS, secondFactorDone });
    return token;
  }

  get(token: string, nowMs: number): TPendingSignIn | null {
    const p = this.byHash.get(hashToken(token));
    if (!p || p.expiresAt <= nowMs) return null;
    return p;
  }

  consume(token: string): void {
    this.byHash.delete(hashToken(token));
  }

  private prune(nowMs: number): void {
    for (const [k, v] of this.byHash) if (v.expiresAt <= nowMs) this.byHash.delete(k);
  }
}
