import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { sessions, type TSessionRow } from '../../db/schema/sessions';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { endSession } from './end-session';

export const ZEndSessionInput = z.object({ sessionRef: z.string().regex(/^[a-f0-9]{16}$/, 'Unknown session.') });

/*
 * Sessions are shown by a short reference (the first 16 hex digits of the stored hash),
 * never by the stored id itself, so a page never holds a value that could name a session.
 */
const refOf = (id: string) => id.slice(0, 16);

/** The user's sessions for the Account page's "Active sessions", newest activity first. */
export async function listActiveSessions(ctx: ServiceContext, current: { id: string; userId: number }) {
  const now = ctx.clock.now().getTime();
  const idleMs = ctx.settings.SESSION_IDLE_MINUTES * 60_000;
  return (await ctx.db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, current.userId)))
    .filter((s) => s.absoluteExpiresAt.getTime() > now && now - s.lastActiveAt.getTime() < idleMs)
    .sort((a, b) => b.lastActiveAt.getTime() - a.lastActiveAt.getTime())
    .map((s) => ({ ...summarizeSession(s), current: s.id === current.id }));
}

export type TSessionSummary = Awaited<ReturnType<typeof summarizeSession>>;

/** What a user may see of a session: never its id. */
export function summarizeSession(s: TSessionRow) {
  return {
    ref: refOf(s.id),
    deviceClass: s.deviceClass,
    browser: s.browser,
    ip: s.ip,
    createdAt: s.createdAt,
    lastActiveAt: s.lastActiveAt,
  };
}

/** "End session" on another of the user's own sessions; its open tabs are told at once. */
export async function endOwnSession(ctx: ServiceContext, current: { id: string; userId: number }, input: unknown): Promise<void> {
  const { sessionRef } = ZEndSessionInput.parse(input);
  const target = (await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.userId, current.userId)))
    .find((s) => refOf(s.id) === sessionRef);
  if (!target) throw new AppError('NOT_FOUND', 'That session has already ended.');
  await endSession(ctx, target.id, target.id === current.id ? 'signed_out' : 'ended_elsewhere');
}

/** Ends every session of a user (password reset, revoked access, admin action). */
export async function endAllSessions(
  ctx: ServiceContext,
  userId: number,
  reason: Parameters<typeof endSession>[2],
  exceptSessionId?: string,
): Promise<number> {
  const ids = (await ctx.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId))));
  let n = 0;
  for (const { id } of ids) {
    if (id === exceptSessionId) continue;
    await endSession(ctx, id, reason);
    n += 1;
  }
  return n;
}
