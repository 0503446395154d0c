import { and, eq, lt } from 'drizzle-orm';
import { Lucia, TimeSpan, type Adapter, type DatabaseSession } from 'lucia';
import type { TDb } from '../../db/client';
import { sessions, users, type TSessionRow } from '../../db/schema/index';
import type { ServiceContext } from '../core/context';
import { generateToken, hashToken } from './tokens';
import type { TDeviceClass } from './user-agent';

/*
 * All of lucia stays behind this module (it is deprecated upstream). The cookie carries a
 * random token; lucia only ever sees its SHA-256, which is the stored session id.
 */

type TSessionAttributes = Omit<TSessionRow, 'id' | 'userId' | 'expiresAt'>;

declare module 'lucia' {
  interface Register {
    Lucia: Lucia<TSessionAttributes, { email: string; name: string }>;
    UserId: number;
    DatabaseSessionAttributes: TSessionAttributes;
    DatabaseUserAttributes: { email: string; name: string };
  }
}

function toDatabaseSession(row: TSessionRow): DatabaseSession {
  const { id, userId, expiresAt, ...attributes } = row;
  return { id, userId, expiresAt: new Date(expiresAt * 1000), attributes };
}

class DrizzleSessionAdapter implements Adapter {
  constructor(private readonly db: TDb) {}
  async getSessionAndUser(sessionId: string) {
    const row = (await this.db
      .select({ s: sessions, u: { id: users.id, email: users.email, name: users.name } })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId)))[0];
    if (!row) return [null, null] as [null, null];
    return [toDatabaseSession(row.s), { id: row.u.id, attributes: { email: row.u.email, name: row.u.name } }] as const as [
      DatabaseSession,
      { id: number; attributes: { email: string; name: string } },
    ];
  }
  async getUserSessions(userId: number) {
    return (await this.db.select().from(sessions).where(eq(sessions.userId, userId))).map(toDatabaseSession);
  }
  async setSession(s: DatabaseSession) {
    (await this.db
      .insert(sessions)
      .values({ id: s.id, userId: s.userId, expiresAt: Math.floor(s.expiresAt.getTime() / 1000), ...s.attributes }));
  }
  async updateSessionExpiration(sessionId: string, expiresAt: Date) {
    (await this.db
      .update(sessions)
      .set({ expiresAt: Math.floor(expiresAt.getTime() / 1000) })
      .where(eq(sessions.id, sessionId)));
  }
  async deleteSession(sessionId: string) {
    (await this.db.delete(sessions).where(eq(sessions.id, sessionId)));
  }
  async deleteUserSessions(userId: number) {
    (await this.db.delete(sessions).where(eq(sessions.userId, userId)));
  }
  async deleteExpiredSessions() {
    (await this.db.delete(sessions).where(lt(sessions.expiresAt, Math.floor(Date.now() / 1000))));
  }
}

const instances = new WeakMap<TDb, Lucia<TSessionAttributes, { email: string; name: string }>>();

function luciaFor(ctx: ServiceContext) {
  let lucia = instances.get(ctx.db);
  if (!lucia) {
    lucia = new Lucia(new DrizzleSessionAdapter(ctx.db), {
      sessionExpiresIn: new TimeSpan(ctx.settings.SESSION_IDLE_MINUTES, 'm'),
      getSessionAttributes: (a) => a,
      getUserAttributes: (a) => a,
    });
    instances.set(ctx.db, lucia);
  }
  return lucia;
}

export interface TSessionMeta {
  deviceClass: TDeviceClass;
  browser: string;
  ip: string;
  /** The remembered-device cookie, if the browser sent one. */
  deviceToken?: string | null;
  /** Set when an identity provider was the first factor: the session may use only its accounts. */
  sso?: { idpId: number };
}

/** Creates a session and returns the cookie token (never stored). */
export async function createUserSession(
  ctx: ServiceContext,
  userId: number,
  meta: TSessionMeta,
  account: { kind: 'staff' | 'contact'; id: number } | null,
  twoFactorVerified = false,
  /** False for sign-ins without the password (SSO): sensitive changes then ask for it. */
  passwordEntered = true,
): Promise<{ token: string; sessionId: string }> {
  const token = generateToken();
  const sessionId = hashToken(token);
  const now = ctx.clock.now();
  await luciaFor(ctx).createSession(
    userId,
    {
      accountKind: account?.kind ?? null,
      accountId: account?.id ?? null,
      twoFactorVerified,
      deviceClass: meta.deviceClass,
      browser: meta.browser,
      ip: meta.ip,
      createdAt: now,
      lastActiveAt: now,
      reauthenticatedAt: passwordEntered ? now : null,
      absoluteExpiresAt: new Date(now.getTime() + ctx.settings.SESSION_ABSOLUTE_HOURS * 3600_000),
    },
    { sessionId },
  );
  return { token, sessionId };
}

export type TValidSession = TSessionRow & { user: { id: number; email: string; name: string } };

/** Looks a session up by its id (hash), enforcing idle and absolute limits on our clock. */
export async function validateSession(ctx: ServiceContext, sessionId: string): Promise<TValidSession | null> {
  const [session, user] = await new DrizzleSessionAdapter(ctx.db).getSessionAndUser(sessionId);
  if (!session || !user) return null;
  const now = ctx.clock.now();
  const a = session.attributes;
  const idleMs = ctx.settings.SESSION_IDLE_MINUTES * 60_000;
  if (now >= a.absoluteExpiresAt || now.getTime() - a.lastActiveAt.getTime() >= idleMs) return null;
  // Record activity at most once a minute: a write per request would cost more than it tells.
  if (now.getTime() - a.lastActiveAt.getTime() > 60_000) {
    const expiresAt = Math.floor((now.getTime() + idleMs) / 1000);
    (await ctx.db.update(sessions).set({ lastActiveAt: now, expiresAt }).where(eq(sessions.id, sessionId)));
    a.lastActiveAt = now;
  }
  return {
    id: session.id,
    userId: session.userId,
    expiresAt: Math.floor(session.expiresAt.getTime() / 1000),
    ...a,
    user: { id: user.id, email: user.attributes.email, name: user.attributes.name },
  };
}

export const sessionIdFromToken = hashToken;

export async function deleteSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  await luciaFor(ctx).invalidateSession(sessionId);
}

export async function setSessionAccount(
  ctx: ServiceContext,
  sessionId: string,
  account: { kind: 'staff' | 'contact'; id: number },
): Promise<void> {
  (await ctx.db
    .update(sessions)
    .set({ accountKind: account.kind, accountId: account.id })
    .where(and(eq(sessions.id, sessionId))));
}

/** Cookie name: `__Host-` needs Secure, which browsers refuse on plain http://localhost. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? '__Host-portico_session' : 'portico_session';
}

export function serializeSessionCookie(publicUrl: string, token: string | null, maxAgeSeconds: number): string {
  const secure = publicUrl.startsWith('https://');
  const parts = [
    `${sessionCookieName(publicUrl)}=${token ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${token ? maxAgeSeconds : 0}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function readSessionToken(publicUrl: string, cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(publicUrl);
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      const value = v.join('=');
      return /^[a-z2-7]{20,64}$/.test(value) ? value : null;
    }
  }
  return null;
}
