import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentGateways } from '../../../db/schema/payments';
import { seedDemo } from '../../../server/seed/demo-people';
import { isAppError } from '../../../server/core/app-error';
import type { FixedClock } from '../../../server/core/clock';
import type { ServiceContext } from '../../../server/core/context';
import { cardPaymentOptions, gatewayFor, getGatewaySettings, updateGatewaySettings } from '../../../server/payments/gateway-config';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let admin: ServiceContext;
let providerId: number;
const fresh = { ip: '203.0.113.9', session: { reauthenticatedAt: new Date('2026-11-01T09:00:00Z') } };
const keys = { publishableKey: 'pk_test_unit00000000', secretKey: 'sk_test_unit0000secret9876', webhookSecret: 'whsec_unit00000000', allowPartial: false, enabled: true };

beforeAll(async () => {
  ({ ctx: base, clock, cleanup } = await freshContext());
  await seedDemo(base);
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  providerId = (admin.actor as { providerId: number }).providerId;
});
afterAll(() => cleanup());

const code = async (fn: () => unknown) => {
  try {
    await fn();
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
  return 'no error';
};

describe('gateway settings', () => {
  it('without keys there is no gateway and no Pay Now', async () => {
    expect(await gatewayFor(admin, providerId)).toBeNull();
    expect(await cardPaymentOptions(base.db, providerId)).toEqual({ enabled: false, allowPartial: false });
    expect(await getGatewaySettings(admin)).toMatchObject({ configured: false, secretKeySet: false });
  });

  it('refuses non-admins, a first save without secrets, and a stale password', async () => {
    expect(await code(async () => await updateGatewaySettings(await asDemoUser(base, 'tech@demo-msp.test'), keys, fresh))).toBe('FORBIDDEN');
    expect(await code(async () => await updateGatewaySettings(await asDemoUser(base, 'billing@acme-dental.test'), keys, fresh))).toBe('FORBIDDEN');
    expect(await code(async () => await updateGatewaySettings(admin, { ...keys, secretKey: '' }, fresh))).toBe('BAD_INPUT');
    expect(await code(async () => await updateGatewaySettings(admin, keys, { ip: null, session: { reauthenticatedAt: new Date('2026-11-01T08:00:00Z') } }))).toBe('FORBIDDEN');
    expect(await gatewayFor(admin, providerId)).toBeNull();
  });

  it('stores secrets sealed, shows only the last 4, and caches the gateway until the next save', async () => {
    const view = await updateGatewaySettings(admin, keys, fresh);
    expect(view).toMatchObject({ configured: true, secretKeyLast4: '9876', webhookSecretSet: true });
    expect(JSON.stringify(view)).not.toContain('secret9876');
    const row = (await base.db.select().from(paymentGateways).where(eq(paymentGateways.providerId, providerId)))[0]!;
    expect(JSON.stringify(row)).not.toContain(keys.secretKey);
    expect(JSON.stringify(row)).not.toContain(keys.webhookSecret);

    const gw = await gatewayFor(admin, providerId);
    expect(gw).not.toBeNull();
    expect(await gatewayFor(admin, providerId)).toBe(gw);

    clock.set(new Date('2026-11-01T09:01:00Z'));
    await updateGatewaySettings(admin, { ...keys, secretKey: '', webhookSecret: '', allowPartial: true }, fresh);
    const again = await gatewayFor(admin, providerId);
    expect(again).not.toBe(gw);
    expect((await getGatewaySettings(admin)).secretKeyLast4).toBe('9876');
    expect(await cardPaymentOptions(base.db, providerId)).toEqual({ enabled: true, allowPartial: true });
  });

  it('turned off: none for Pay Now, still one for webhooks and refunds', async () => {
    clock.set(new Date('2026-11-01T09:02:00Z'));
    await updateGatewaySettings(admin, { ...keys, secretKey: undefined, webhookSecret: undefined, enabled: false }, fresh);
    expect(await gatewayFor(admin, providerId)).toBeNull();
    expect(await gatewayFor(admin, providerId, { includeDisabled: true })).not.toBeNull();
  });
});
