import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { spawnPortico, type TPorticoProcess } from '../../helpers/portico-process';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Two Portico servers on one database, the second in a process of its own: a browser whose
 * requests a load balancer sends to either of them signs in all the same.
 */

let nodeA: Awaited<ReturnType<typeof startTestServer>>;
let nodeB: TPorticoProcess;
beforeAll(async () => {
  nodeA = await startTestServer();
  const s = nodeA.portico.base.settings;
  nodeB = await spawnPortico({
    NODE_ENV: 'test',
    PORT: '0',
    SMTP_PORT: '0',
    SMTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    DATABASE_PATH: s.DATABASE_PATH,
    ...(s.DATABASE_URL ? { DATABASE_URL: s.DATABASE_URL } : {}),
    DATA_DIR: join(s.DATA_DIR, 'node-b'),
  });
});
afterAll(async () => {
  await nodeB?.kill();
  await nodeA?.stop();
});

describe('a sign-in spread over two servers', () => {
  it('gives the password to one server and the authenticator code to the other, then is signed in', async () => {
    const email = 'primary@acme-dental.test';
    const key = await enrollTotp(nodeA.portico, email);
    const onA = createTestClient(nodeA.origin);
    const first = await onA.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(first.kind);

    const onB = createTestClient(nodeB.url);
    const done = await onB.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
    expect(done.kind).toBe('signed-in');
    expect(await onB.client.auth.me.query()).toMatchObject({ user: { email } });
    // The token is spent on every server.
    await expect(onA.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('counts wrong codes sent to both servers against one limit', async () => {
    const email = 'billing@acme-dental.test';
    const key = await enrollTotp(nodeA.portico, email);
    const tries = [nodeA.origin, nodeB.url, nodeA.origin, nodeB.url, nodeA.origin].map((origin) => createTestClient(origin));
    for (const t of tries) {
      const first = await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
      if (first.kind !== 'two-factor') throw new Error(first.kind);
      await expect(t.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: '000000' })).rejects.toMatchObject({
        data: { code: 'BAD_REQUEST' },
      });
    }
    const last = createTestClient(nodeB.url);
    const first = await last.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(first.kind);
    await expect(last.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) })).rejects.toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS' },
    });
  });
});
