import { eq, lt } from 'drizzle-orm';
import { ssoHandoffs } from '../../../db/schema/sso';
import type { TAccountChoice } from '../accounts';
import type { TSessionSummary } from '../active-sessions';
import type { TSecondFactorMethod } from '../second-factors';
import { generateToken, hashToken } from '../tokens';
import type { ServiceContext } from '../../core/context';
import { open, seal } from '../../core/secret-box';
import { ZResumeSsoInput } from './schemas';

/*
 * The callback is a plain redirect, so what the sign-in page needs next (the two-factor
 * step, "Too many active sessions", "Choose an account", or why SSO did not work) waits
 * here under a single-use token that lives 2 minutes. The session token never goes in a
 * URL: it is already in its cookie; pending tokens stay sealed in this table.
 */
const TTL_MS = 2 * 60_000;

export type TSsoHandoff =
  | { kind: 'signed-in'; accounts: TAccountChoice[]; chosen: TAccountChoice | null }
  | { kind: 'two-factor'; pendingToken: string; methods: TSecondFactorMethod[] }
  | { kind: 'session-limit'; pendingToken: string; sessions: TSessionSummary[] }
  | { kind: 'error'; message: string };

const SIGN_IN_KINDS: string[] = ['signed-in', 'two-factor', 'session-limit', 'error'];

const EXPIRED: TSsoHandoff = { kind: 'error', message: 'This sign-in has expired. Please sign in again.' };

export async function createHandoff(ctx: ServiceContext, payload: TSsoHandoff): Promise<string> {
  return await storeSealed(ctx, payload);
}

/** Any single-use, 2-minute sealed payload (the sign-in page's handoffs, and the test sign-in's ticket and report). */
export async function storeSealed(ctx: ServiceContext, payload: { kind: string }): Promise<string> {
  const now = ctx.clock.now();
  (await ctx.db.delete(ssoHandoffs).where(lt(ssoHandoffs.expiresAt, now)));
  const token = generateToken();
  (await ctx.db
    .insert(ssoHandoffs)
    .values({
      tokenHash: hashToken(token),
      payloadSealed: seal(ctx.settings.secretKey, new TextEncoder().encode(JSON.stringify(payload))),
      expiresAt: new Date(now.getTime() + TTL_MS),
    }));
  return token;
}

/** Reads and deletes a handoff: a second read, or one after 2 minutes, gets "expired". */
export async function consumeHandoff(ctx: ServiceContext, input: unknown): Promise<TSsoHandoff> {
  const { handoff } = ZResumeSsoInput.parse(input);
  const payload = (await takeSealed(ctx, handoff)) as TSsoHandoff | null;
  // The sign-in page reads only its own kinds (never a test sign-in's ticket or report).
  if (!payload || !SIGN_IN_KINDS.includes(payload.kind)) return EXPIRED;
  if (payload.kind === 'session-limit') {
    // JSON gave strings back; callers see the same Dates a password sign-in returns.
    payload.sessions = payload.sessions.map((s) => ({ ...s, createdAt: new Date(s.createdAt), lastActiveAt: new Date(s.lastActiveAt) }));
  }
  return payload;
}

/** Reads and deletes a sealed payload; null when unknown, used or expired. */
export async function takeSealed(ctx: ServiceContext, token: string): Promise<{ kind: string } | null> {
  const row = (await ctx.db.delete(ssoHandoffs).where(eq(ssoHandoffs.tokenHash, hashToken(token))).returning())[0];
  if (!row || row.expiresAt <= ctx.clock.now()) return null;
  return JSON.parse(new TextDecoder().decode(open(ctx.settings.secretKey, row.payloadSealed))) as { kind: string };
}
