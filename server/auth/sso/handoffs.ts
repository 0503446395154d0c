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

const EXPIRED: TSsoHandoff = { kind: 'error', message: 'This sign-in has expired. Please sign in again.' };

export async function createHandoff(ctx: ServiceContext, payload: TSsoHandoff): Promise<string> {
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
  const row = (await ctx.db.delete(ssoHandoffs).where(eq(ssoHandoffs.tokenHash, hashToken(handoff))).returning())[0]!;
  if (!row || row.expiresAt <= ctx.clock.now()) return EXPIRED;
  const payload = JSON.parse(new TextDecoder().decode(open(ctx.settings.secretKey, row.payloadSealed))) as TSsoHandoff;
  if (payload.kind === 'session-limit') {
    // JSON gave strings back; callers see the same Dates a password sign-in returns.
    payload.sessions = payload.sessions.map((s) => ({ ...s, createdAt: new Date(s.createdAt), lastActiveAt: new Date(s.lastActiveAt) }));
  }
  return payload;
}
