import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { appRouter } from '../../../server/trpc/router';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie = '';
beforeAll(async () => {
  server = await startTestServer();
  const key = await enrollTotp(server.portico, 'admin@demo-msp.test');
  const t = createTestClient(server.origin);
  const first = await t.client.auth.signInWithPassword.mutate({ email: 'admin@demo-msp.test', password: DEMO_PASSWORD });
  if (first.kind !== 'two-factor') throw new Error(first.kind);
  await t.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
  cookie = t.cookie();
});
afterAll(() => server?.stop());

type TProc = { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, TProc>).filter(
  ([, p]) => p._def.type !== 'subscription' && p._def.inputs.length > 0,
);

/** Inputs of the wrong shape: a string, an empty object, wrong types, and an oversized value. */
const BAD_INPUTS: unknown[] = ['not an object', {}, { id: 'x', email: 42, password: [], token: { a: 1 } }, { search: 'x'.repeat(5000), limit: -1, userId: -5 }];

async function call(path: string, type: 'query' | 'mutation', input: unknown) {
  const headers = { cookie, origin: server.origin, 'content-type': 'application/json' };
  const res =
    type === 'query'
      ? await fetch(`${server.origin}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(`${server.origin}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  const body = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: body.error?.message ?? '' };
}

describe('bad input on every procedure', () => {
  it('covers the whole router', () => {
    expect(procedures.length).toBeGreaterThan(30);
  });

  it.each(procedures.map(([path, p]) => [path, p._def.type] as const))('%s refuses bad input with a clear 4xx message', async (path, type) => {
    for (const input of BAD_INPUTS) {
      const { status, message } = await call(path, type as 'query' | 'mutation', input);
      // Never a server error; inputs that are all-optional may accept `{}` and extra keys.
      expect(status, `${path} ${JSON.stringify(input).slice(0, 60)} → ${status} ${message}`).toBeLessThan(500);
      if (status >= 400) {
        expect(message.length).toBeGreaterThan(3);
        expect(message).not.toMatch(/Something went wrong|Unexpected|SQLITE|TypeError|invalid_type/);
      }
      // A value that is not an object is always refused.
      if (typeof input === 'string') expect(status, `${path} accepted a string`).toBeGreaterThanOrEqual(400);
    }
  });
});
