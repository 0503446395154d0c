import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import type { TEventRow } from '../../../db/schema/events';
import { expireSessions } from '../../../server/auth/expire-sessions';
import { validateSession } from '../../../server/auth/session';
import { signInWithPassword } from '../../../server/auth/sign-in';
import { sessionTopic } from '../../../server/auth/topics';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { freshContext } from '../../helpers/fresh-context';

let ctx: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx, clock, cleanup } = await freshContext());
  await seedDemo(ctx);
});
afterAll(() => cleanup());

const meta = { deviceClass: 'desktop' as const, browser: 'Test', ip: '10.2.0.1' };
async function signedIn(email: string) {
  const res = await signInWithPassword(ctx, { email, password: DEMO_PASSWORD }, meta);
  if (res.kind !== 'signed-in') throw new Error(res.kind);
  return res.sessionId;
}

describe('session timeouts', () => {
  it('ends idle sessions after 8 hours and tells their tabs, keeping active ones', async () => {
    const idle = await signedIn('standard@acme-dental.test');
    const busy = await signedIn('billing@acme-dental.test');
    const heard: TEventRow[] = [];
    const off = ctx.bus.on(sessionTopic(idle), (e) => heard.push(e));
    clock.advance(7 * 3600_000);
    expect(await validateSession(ctx, busy)).not.toBeNull(); // activity moves its idle clock
    clock.advance(3600_000);
    expect(await expireSessions(ctx)).toBe(1);
    off();
    expect(heard.map((e) => [e.kind, e.payload])).toEqual([['session.ended', { reason: 'expired' }]]);
    expect(await validateSession(ctx, idle)).toBeNull();
    expect(await validateSession(ctx, busy)).not.toBeNull();
    const entry = (await ctx.db.select().from(auditEvents).where(eq(auditEvents.kind, 'session_ended'))).at(-1)!;
    expect(entry.detail).toMatchObject({ reason: 'expired' });
  });

  it('ends even an active session at its 24-hour absolute limit', async () => {
    const s = await signedIn('technical@acme-dental.test');
    for (let h = 0; h < 24; h += 4) {
      clock.advance(4 * 3600_000);
      if (h < 20) expect(await validateSession(ctx, s)).not.toBeNull();
    }
    await expireSessions(ctx);
    expect(await validateSession(ctx, s)).toBeNull();
  });
});
