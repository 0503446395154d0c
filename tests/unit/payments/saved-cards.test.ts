import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { auditEvents } from '../../../db/schema/audit';
import { checkoutSessions, gatewayCustomers, paymentGateways, savedCards } from '../../../db/schema/payments';
import { companies } from '../../../db/schema/people';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createRecurring } from '../../../server/finance/recurring';
import { autopayOverview, setAutoPay } from '../../../server/payments/autopay-toggle';
import { handleSetupCompleted, listSavedCards, removeSavedCard, setDefaultCard, startSaveCard, type TGatewayResolver } from '../../../server/payments/saved-cards';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';
import { memoryGateway, VISA, type TMemoryGateway } from '../../helpers/memory-gateway';

/* Saved cards (setup checkout, list, remove, default) and the Auto Pay switch, through the services. */

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let sys: ServiceContext;
let admin: ServiceContext;
let billing: ServiceContext;
let primary: ServiceContext;
let acme: number;
let northwind: number;
let providerId: number;
let mem: TMemoryGateway;
const resolve: TGatewayResolver = async () => mem.gateway;

beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext(new Date('2026-11-01T09:00:00Z')));
  await seedDemo(base);
  sys = withActor(base, system);
  admin = await asDemoUser(base, 'admin@demo-msp.test');
  billing = await asDemoUser(base, 'billing@acme-dental.test');
  primary = await asDemoUser(base, 'primary@acme-dental.test');
  acme = (await base.db.select().from(companies).where(eq(companies.name, 'Acme Dental')))[0]!.id;
  northwind = (await base.db.select().from(companies).where(eq(companies.name, 'Northwind Logistics')))[0]!.id;
  providerId = (admin.actor as { providerId: number }).providerId;
  mem = memoryGateway();
});
afterAll(() => cleanup());

async function saveCard(who: ServiceContext, card = VISA) {
  const { url } = await startSaveCard(who, resolve);
  const cs = mem.checkouts.at(-1)!;
  expect(url).toBe(`https://checkout.example/${cs.id}`);
  const { setupIntentId } = mem.completeSetup(cs.id, card);
  return { cs, result: await handleSetupCompleted(sys, mem.gateway, { providerId, gatewaySessionId: cs.id, setupIntentId }) };
}

const audits = async (kind: string) => (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, kind)));

describe('Save Card', () => {
  it('needs card payments turned on', async () => {
    await expect(startSaveCard(billing, async () => null)).rejects.toThrow(/not available/);
  });

  it('is for Billing and Primary contacts only', async () => {
    for (const email of ['standard@acme-dental.test', 'technical@acme-dental.test']) {
      await expect(startSaveCard(await asDemoUser(base, email), resolve)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(startSaveCard(admin, resolve)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(mem.checkouts).toEqual([]);
    expect(mem.customers).toEqual([]);
  });

  it('creates the company customer once and a setup checkout per click, returning to Auto Payment', async () => {
    const first = await saveCard(billing);
    expect(first.result).toEqual({ cardId: expect.any(Number) });
    await startSaveCard(primary, resolve);
    expect(mem.customers).toHaveLength(1);
    expect((await base.db.select().from(gatewayCustomers))).toEqual([expect.objectContaining({ companyId: acme, gatewayCustomerId: mem.customers[0]!.id })]);
    expect(mem.checkouts.map((c) => c.customerId)).toEqual([mem.customers[0]!.id, mem.customers[0]!.id]);
    expect(mem.checkouts[0]!.metadata).toMatchObject({ purpose: 'save_card', companyId: String(acme) });
    const row = (await base.db.select().from(checkoutSessions).where(eq(checkoutSessions.gatewaySessionId, first.cs.id)))[0];
    expect(row).toMatchObject({ mode: 'setup', status: 'complete', companyId: acme });
  });

  it('stores brand, last 4 and expiry; the first card is the default; a replay stores nothing more', async () => {
    const cards = await listSavedCards(billing);
    expect(cards).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, isDefault: true, expired: false })]);
    const cs = mem.checkouts[0]!;
    const again = await handleSetupCompleted(sys, mem.gateway, { providerId, gatewaySessionId: cs.id, setupIntentId: null });
    expect(again).toEqual({ cardId: cards[0]!.id });
    expect(await listSavedCards(billing)).toHaveLength(1);
    expect(await handleSetupCompleted(sys, mem.gateway, { providerId, gatewaySessionId: 'cs_unknown', setupIntentId: null })).toBeNull();
    expect(await audits('card_saved')).toHaveLength(1);
  });

  it('lets staff see a company\'s cards, and keeps other companies\' contacts out', async () => {
    expect(await listSavedCards(admin, { companyId: acme })).toHaveLength(1);
    await expect(listSavedCards(admin)).rejects.toThrow(/Choose a company/);
    expect(await listSavedCards(await asDemoUser(base, 'billing@northwind.test'))).toEqual([]);
    await expect(listSavedCards(await asDemoUser(base, 'standard@acme-dental.test'))).rejects.toThrow(/Billing and Primary/);
  });
});

describe('Make default and Remove', () => {
  it('makes another card the default', async () => {
    await saveCard(primary, { brand: 'mastercard', last4: '4444', expMonth: 1, expYear: 2026 });
    const [visa, mc] = [(await listSavedCards(billing)).find((c) => c.last4 === '4242')!, (await listSavedCards(billing)).find((c) => c.last4 === '4444')!];
    expect(mc).toMatchObject({ isDefault: false, expired: true });
    const after = await setDefaultCard(billing, { cardId: mc.id });
    expect(after.map((c) => [c.last4, c.isDefault])).toEqual([
      ['4444', true],
      ['4242', false],
    ]);
    expect(await audits('card_default_changed')).toEqual([expect.objectContaining({ detail: expect.objectContaining({ cardId: mc.id }) })]);
    await expect(setDefaultCard(await asDemoUser(base, 'billing@northwind.test'), { cardId: visa.id })).rejects.toThrow(/not found/);
  });

  it('detaches the removed card at the gateway and promotes another when it was the default', async () => {
    const mc = (await listSavedCards(billing)).find((c) => c.last4 === '4444')!;
    const pm = (await base.db.select().from(savedCards).where(eq(savedCards.id, mc.id)))[0]!.gatewayPaymentMethodId;
    await expect(removeSavedCard(await asDemoUser(base, 'standard@acme-dental.test'), { cardId: mc.id }, resolve)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const after = await removeSavedCard(billing, { cardId: mc.id }, resolve);
    expect(mem.detached).toEqual([pm]);
    expect(after).toEqual([expect.objectContaining({ last4: '4242', isDefault: true })]);
    expect((await base.db.select().from(savedCards).where(eq(savedCards.id, mc.id)))[0]!.removedAt).not.toBeNull();
    await expect(removeSavedCard(billing, { cardId: mc.id }, resolve)).rejects.toThrow(/not found/);
    expect(await audits('card_removed')).toHaveLength(1);
  });
});

describe('Auto Pay switch', () => {
  let recurringId: number;
  beforeAll(async () => {
    const now = base.clock.now();
    (await base.db.insert(paymentGateways).values({ providerId, publishableKey: 'pk_test_x', sealedSecretKey: 'x', sealedWebhookSecret: 'x', createdAt: now, updatedAt: now }));
    recurringId = (await createRecurring(admin, { companyId: northwind, scope: 'Managed services', frequency: 'monthly', amountMinor: 10_000, nextBillDate: '2026-12-01' })).id;
  });

  it('a contact turns it on only with a saved card', async () => {
    const nwBilling = await asDemoUser(base, 'billing@northwind.test');
    await expect(setAutoPay(nwBilling, { recurringId, autoPay: true })).rejects.toThrow(/Save a card first/);
    await saveCard(nwBilling);
    expect(await setAutoPay(nwBilling, { recurringId, autoPay: true })).toMatchObject({ id: recurringId, autoPay: true });
    expect(await autopayOverview(nwBilling)).toMatchObject({ available: true, canManage: true, cards: [expect.objectContaining({ isDefault: true })], recurring: [expect.objectContaining({ id: recurringId, autoPay: true })] });
    expect((await setAutoPay(nwBilling, { recurringId, autoPay: false })).autoPay).toBe(false);
    expect((await audits('autopay_changed')).map((a) => a.detail.autoPay)).toEqual([true, false]);
  });

  it('staff may switch it; Standard contacts and other companies may not', async () => {
    expect((await setAutoPay(admin, { recurringId, autoPay: true })).autoPay).toBe(true);
    await expect(setAutoPay(await asDemoUser(base, 'standard@northwind.test'), { recurringId, autoPay: false })).rejects.toThrow(/Billing and Primary/);
    await expect(setAutoPay(billing, { recurringId, autoPay: false })).rejects.toThrow(/not found/);
    expect(await autopayOverview(admin)).toMatchObject({ available: true, canManage: false, cards: [] });
  });

  it('is refused for a contact while card payments are off', async () => {
    (await base.db.update(paymentGateways).set({ enabled: false }).where(eq(paymentGateways.providerId, providerId)));
    const nwBilling = await asDemoUser(base, 'billing@northwind.test');
    await setAutoPay(nwBilling, { recurringId, autoPay: false });
    await expect(setAutoPay(nwBilling, { recurringId, autoPay: true })).rejects.toThrow(/not available/);
    expect((await autopayOverview(nwBilling)).available).toBe(false);
    expect((await base.db.select().from(savedCards).where(and(eq(savedCards.companyId, northwind))))).toHaveLength(1);
  });
});
