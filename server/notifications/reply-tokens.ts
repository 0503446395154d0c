import { eq } from 'drizzle-orm';
import { replyTokens } from '../../db/schema/notifications';
import { generateToken, hashToken } from '../auth/tokens';
import type { ServiceContext } from '../core/context';
import { p, preparedQueries } from '../core/prepared';
import type { TTx } from '../core/unit-of-work';

/** How long a notification can still be answered by email. */
export const REPLY_TOKEN_DAYS = 90;

export interface TReplyTarget {
  ticketId: number;
  userId: number;
  email: string;
}

const queries = preparedQueries((db) => ({
  insert: db
    .insert(replyTokens)
    .values({ tokenHash: p('tokenHash'), ticketId: p('ticketId'), userId: p('userId'), email: p('email'), expiresAt: p('expiresAt'), createdAt: p('createdAt') })
    .prepare('reply-tokens.insert'),
  byHash: db.select().from(replyTokens).where(eq(replyTokens.tokenHash, p('tokenHash'))).prepare('reply-tokens.byHash'),
}));

/** A fresh token per recipient and message; only its SHA-256 is stored. */
export async function issueReplyToken(tx: TTx, now: Date, target: TReplyTarget): Promise<string> {
  const token = generateToken();
  const { ticketId, userId, email } = target;
  await queries(tx).insert.run({ tokenHash: hashToken(token), ticketId, userId, email, expiresAt: new Date(now.getTime() + REPLY_TOKEN_DAYS * 86_400_000), createdAt: now });
  return token;
}

export const replyAddress = (token: string, domain: string) => `reply+${token}@${domain}`;

/** The token in `reply+<token>@<domain>` (any case: some mail systems change it), or null. */
export function replyTokenFromAddress(address: string, domain: string): string | null {
  const m = /^<?reply\+([a-z2-7]+)@([^\s<>@]+)>?$/i.exec(address.trim());
  return m && m[2]!.toLowerCase() === domain.toLowerCase() ? m[1]!.toLowerCase() : null;
}

// 160-bit tokens from generateToken are 32 base32 characters.
const TOKEN_SHAPE = /^[a-z2-7]{32}$/;

/**
 * Who a reply address was issued to. Looked up by hash (the token itself is never compared),
 * so a wrong, altered or expired token just finds nothing.
 */
export async function resolveReplyToken(ctx: Pick<ServiceContext, 'db' | 'clock'>, token: string): Promise<TReplyTarget | null> {
  const normalised = token.trim().toLowerCase();
  if (!TOKEN_SHAPE.test(normalised)) return null;
  const row = await queries(ctx.db).byHash.get({ tokenHash: hashToken(normalised) });
  if (!row || row.expiresAt.getTime() <= ctx.clock.now().getTime()) return null;
  return { ticketId: row.ticketId, userId: row.userId, email: row.email };
}
