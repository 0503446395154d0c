import { randomBytes } from 'node:crypto';
import { hashToken } from '../tokens';

/** What a challenge was issued for; one kind of ceremony cannot answer another's challenge. */
export type TChallengePurpose = 'register' | 'second-factor' | 'passkey';

interface TIssued {
  purpose: TChallengePurpose;
  /** The session id (register), pending sign-in token hash (second factor), or '' (passkey sign-in). */
  bind: string;
  expiresAt: number;
  /** Registration only: the user handle the options carried. */
  userHandle?: string;
}

export const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_OUTSTANDING = 20_000;

/**
 * WebAuthn challenges: random, single-use, expiring after 5 minutes. Held in memory, keyed by
 * the SHA-256 of the challenge, like pending sign-ins: one process serves the portal, a
 * ceremony lasts seconds, and a restart only makes the person in the middle of one try again.
 * Nothing of it reaches the database, so a copy of the database cannot answer a challenge.
 */
export class WebAuthnChallenges {
  private readonly byHash = new Map<string, TIssued>();
  /** The one live challenge per session or pending sign-in: a new one replaces it. */
  private readonly byBind = new Map<string, string>();

  /** A new challenge (32 random bytes), returned as the bytes to put in the options. */
  issue(purpose: TChallengePurpose, bind: string, nowMs: number, userHandle?: string): Uint8Array<ArrayBuffer> {
    if (this.byHash.size >= MAX_OUTSTANDING) this.prune(nowMs);
    const bytes = new Uint8Array(randomBytes(32));
    const hash = hashToken(Buffer.from(bytes).toString('base64url'));
    if (bind) {
      const bindKey = `${purpose}:${bind}`;
      const previous = this.byBind.get(bindKey);
      if (previous) this.byHash.delete(previous);
      this.byBind.set(bindKey, hash);
    }
    this.byHash.set(hash, { purpose, bind, expiresAt: nowMs + CHALLENGE_TTL_MS, ...(userHandle ? { userHandle } : {}) });
    return bytes;
  }

  /**
   * Takes the challenge (base64url, as the browser's clientDataJSON carries it) out of the
   * store, whatever happens next, and says whether it was live and issued for this purpose
   * and binding. Returns the issued entry, or null.
   */
  consume(challenge: string, purpose: TChallengePurpose, bind: string, nowMs: number): { userHandle?: string } | null {
    const hash = hashToken(challenge);
    const issued = this.byHash.get(hash);
    if (!issued) return null;
    this.forget(hash, issued);
    if (issued.purpose !== purpose || issued.bind !== bind || issued.expiresAt <= nowMs) return null;
    return issued.userHandle ? { userHandle: issued.userHandle } : {};
  }

  /** Drops expired challenges; when still full, the oldest go first (insertion order). */
  private prune(nowMs: number): void {
    for (const [k, v] of this.byHash) if (v.expiresAt <= nowMs) this.forget(k, v);
    for (const [k, v] of this.byHash) {
      if (this.byHash.size < MAX_OUTSTANDING) break;
      this.forget(k, v);
    }
  }

  private forget(hash: string, issued: TIssued): void {
    this.byHash.delete(hash);
    if (issued.bind && this.byBind.get(`${issued.purpose}:${issued.bind}`) === hash) this.byBind.delete(`${issued.purpose}:${issued.bind}`);
  }
}
