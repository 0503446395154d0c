import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKED } from '../../../server/auth/sign-in';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { startTestServer } from '../../helpers/test-server';

/*
 * Seed 001's lockout message over the real server, as an attacker would read it: every
 * answer for a real email and for an unknown one, status, headers that matter and body,
 * must be the same, before and after the lock.
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

async function signIn(email: string, password: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`${server.origin}/trpc/auth.signInWithPassword`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('the lockout message over tRPC', () => {
  it('answers a real and an unknown email identically, attempt by attempt, and says "locked" from the lockout on', async () => {
    const limit = server.portico.base.settings.LOCKOUT_ATTEMPTS;
    for (let i = 1; i <= limit + 1; i++) {
      const real = await signIn('billing@northwind.test', `wrong-${i}`);
      const unknown = await signIn('BILLING@northwind-logistics.test', `wrong-${i}`);
      expect(unknown).toEqual(real);
      expect(real.status).toBe(401);
      expect(JSON.parse(real.body).error.message).toEqual(i < limit ? expect.not.stringContaining('locked') : LOCKED);
    }
    // The right password on the locked account: the same answer still.
    const right = await signIn('billing@northwind.test', DEMO_PASSWORD);
    expect(right.status).toBe(401);
    expect(JSON.parse(right.body).error.message).toBe(LOCKED);
  });
});
