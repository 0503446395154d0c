import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { contacts, users } from '../../../db/schema/people';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { startFakeSmsGateway, type TFakeSmsGateway } from '../../helpers/fake-sms-gateway';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

let server: Awaited<ReturnType<typeof startTestServer>>;
let gateway: TFakeSmsGateway;
beforeAll(async () => {
  server = await startTestServer();
  gateway = await startFakeSmsGateway();
});
afterAll(async () => {
  await server?.stop();
  await gateway?.close();
});

async function signedInAdmin() {
  const key = await enrollTotp(server.portico, 'admin@demo-msp.test');
  const t = createTestClient(server.origin);
  const first = await t.client.auth.signInWithPassword.mutate({ email: 'admin@demo-msp.test', password: DEMO_PASSWORD });
  if (first.kind !== 'two-factor') throw new Error(first.kind);
  // Staff have no cell phone: no code by text message for them.
  expect(first.methods).not.toContain('sms');
  await t.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
  return t;
}

describe('code by SMS over the real server', () => {
  it('an admin saves the gateway (token never sent back), and a contact signs in with a texted code', async () => {
    const admin = await signedInAdmin();
    const before = await admin.client.sms.settings.query();
    expect(before).toMatchObject({ configured: false, apiUrl: 'https://api.twilio.com' });
    await admin.client.sms.updateSettings.mutate({ apiUrl: gateway.url, accountSid: gateway.accountSid, authToken: gateway.authToken, fromNumber: '+15550109999', defaultCountryCode: '+1' });
    const saved = await admin.client.sms.settings.query();
    expect(saved).toMatchObject({ configured: true, hasAuthToken: true, fromNumber: '+15550109999' });
    expect(JSON.stringify(saved)).not.toContain(gateway.authToken);

    const email = 'primary@northwind.test';
    await enrollTotp(server.portico, email);
    const { db } = server.portico.base;
    const uid = (await db.select().from(users).where(eq(users.email, email)))[0]!.id;
    (await db.update(contacts).set({ phoneCell: '555 010 0177' }).where(eq(contacts.userId, uid)));

    const t = createTestClient(server.origin);
    const first = await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    if (first.kind !== 'two-factor') throw new Error(first.kind);
    expect(first.methods).toEqual(['totp', 'sms', 'recovery']);
    await expect(t.client.sms.sendCode.mutate({ pendingToken: first.pendingToken })).resolves.toEqual({ ending: '77', validMinutes: 5 });
    const code = gateway.lastCode('+15550100177');
    await expect(t.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'sms', code: '12345x' })).rejects.toThrow(/did not work/);
    const done = await t.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'sms', code });
    expect(done.kind).toBe('signed-in');
    expect(t.cookie()).not.toBe('');
    await expect(t.client.auth.me.query()).resolves.toMatchObject({ user: { email } });
    // The pending sign-in is spent: neither a new code nor the old one works for it.
    await expect(t.client.sms.sendCode.mutate({ pendingToken: first.pendingToken })).rejects.toThrow(/expired/);
  });
});
