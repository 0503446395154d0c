import { rmSync } from 'node:fs';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoices, payments } from '../../../db/schema/finance';
import { outbox } from '../../../db/schema/outbox';
import { autopayAttempts, paymentGateways, savedCards } from '../../../db/schema/payments';
import { contacts, providers } from '../../../db/schema/people';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { startPortico, type TPortico } from '../../../server/app';
import { FixedClock } from '../../../server/core/clock';
import { seal } from '../../../server/core/secret-box';
import { createRecurring } from '../../../server/finance/recurring';
import { isoDay } from '../../../server/finance/money';
import { runRecurringBilling } from '../../../server/payments/billing-run';
import { asDemoUser } from '../../helpers/demo-actors';
import { startFakeStripe, type TFakeCard, type TFakeRequest, type TFakeStripe, type TStripeEvent } from '../../helpers/fake-stripe';
import { testSettings } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Saved cards and auto-pay end to end: the real server (on a clock the test moves), the real
 * tRPC client, the real `stripe` client talking to the local fake Stripe, and webhooks signed
 * with the library's own test header.
 */

const WHSEC = 'whsec_autopay_integration_0123456789';
const DAY = 24 * 3600_000;

let fake: TFakeStripe;
let portico: TPortico;
let dir: string;
let origin: string;
let hookUrl: string;
const clock = new FixedClock(new Date('2026-11-02T09:00:00Z'));
type TClient = ReturnType<typeof createTestClient>;
let billing: TClient;
let standard: TClient;
let acme: number;

async function contactClient(email: string): Promise<TClient> {
  const t = createTestClient(origin);
  const r = await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  if (r.kind !== 'signed-in') throw new Error(`${email}: ${r.kind}`);
  return t;
}

beforeAll(async () => {
  fake = await startFakeStripe();
  const t = await testSettings({ PAYMENT_GATEWAY_API_URL: fake.url });
  dir = t.dir;
  portico = await startPortico(t.settings, { clock });
  origin = t.settings.publicUrl;
  hookUrl = `${origin}/webhooks/stripe/demo-msp`;
  // Card payments on, as a staff admin's save would leave them (the settings page has its own tests).
  const sealed = (v: string) => seal(t.settings.secretKey, Buffer.from(v));
  const providerId = (await db().select().from(providers).where(eq(providers.identifier, 'demo-msp')))[0]!.id;
  (await db()
    .insert(paymentGateways)
    .values({ providerId, publishableKey: 'pk_test_autopay0000', sealedSecretKey: sealed('sk_test_autopay0000wxyz'), sealedWebhookSecret: sealed(WHSEC), createdAt: clock.now(), updatedAt: clock.now() }));
  billing = await contactClient('billing@acme-dental.test');
  standard = await contactClient('standard@acme-dental.test');
  acme = (await portico.base.db.select().from(contacts).where(eq(contacts.email, 'billing@acme-dental.test')))[0]!.companyId;
});
afterAll(async () => {
  await Promise.all([billing, standard].map((c) => c?.close()));
  await portico?.stop();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const db = () => portico.base.db;
const sessionIdOf = (url: string) => url.split('/').pop()!;
const chargesFor = (invoiceId: number): TFakeRequest[] =>
  fake.requestsTo('/v1/payment_intents', 'POST').filter((r) => (r.params.metadata as Record<string, string> | undefined)?.invoiceId === String(invoiceId));
/** Payment intents the fake actually charged for this invoice (money moved). */
const succeededFor = (invoiceId: number) =>
  [...fake.objects.values()].filter((o) => o.object === 'payment_intent' && o.status === 'succeeded' && (o.metadata as Record<string, string>).invoiceId === String(invoiceId));

async function expectRefused(p: Promise<unknown>, code: string, message?: RegExp) {
  const err = (await p.then(() => null, (e: unknown) => e)) as { data?: { code?: string }; message?: string } | null;
  expect(err, 'expected a refusal').not.toBeNull();
  expect(err!.data?.code).toBe(code);
  if (message) expect(err!.message).toMatch(message);
}

/** "Save Card" as the contact, the card entered on the (fake) hosted page, then the signed webhook. */
async function saveCard(client: TClient, card?: TFakeCard): Promise<{ id: string; event: TStripeEvent }> {
  const { url } = await client.client.autopay.saveCard.mutate();
  expect(url.startsWith(`${fake.url}/pay/cs_`)).toBe(true);
  const id = sessionIdOf(url);
  fake.completeCheckout(id, card ? { card } : {});
  const event = fake.checkoutCompletedEvent(id);
  const res = await fake.sendWebhook(hookUrl, event, WHSEC);
  expect(res.status).toBe(200);
  return { id, event };
}

/** A subscription of Acme billed today, made by the demo admin through the services. */
async function subscription(scope: string, amountMinor: number, autoPay: boolean): Promise<number> {
  const staff = await asDemoUser(portico.base, 'admin@demo-msp.test');
  return (await createRecurring(staff, { companyId: acme, scope, frequency: 'monthly', amountMinor, nextBillDate: isoDay(clock.now()), autoPay })).id;
}
const invoiceOf = async (recurringId: number) => (await db().select().from(invoices).where(eq(invoices.recurringInvoiceId, recurringId)))[0]!;

describe('saved cards', () => {
  it('Save Card: a setup checkout for the company customer, stored from the signed webhook, live', async () => {
    const live = billing.live();
    const heard = new Promise<void>((resolve) => {
      const sub = live.finance.onChange.subscribe(
        { lastEventId: null },
        {
          onData: (ev) => {
            if ((ev.data as { kind: string }).kind === 'card.changed') {
              sub.unsubscribe();
              resolve();
            }
          },
        },
      );
    });
    const { id, event } = await saveCard(billing);
    await heard;
    expect(fake.requestsTo('/v1/customers', 'POST')).toHaveLength(1);
    const [created] = fake.requestsTo('/v1/checkout/sessions', 'POST');
    expect(created!.params).toMatchObject({ mode: 'setup', success_url: `${origin}/finance/autopay?card=saved`, cancel_url: `${origin}/finance/autopay?card=cancelled` });
    expect(created!.params.customer).toMatch(/^cus_/);
    expect(await billing.client.autopay.cards.query()).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, isDefault: true })]);

    // The same event again, and a second delivery of the completion under a new id: still one card.
    for (const e of [event, fake.checkoutCompletedEvent(id)]) {
      expect((await fake.sendWebhook(hookUrl, e, WHSEC)).status).toBe(200);
    }
    expect(await billing.client.autopay.cards.query()).toHaveLength(1);
    expect(fake.requestsTo('/v1/setup_intents', 'GET')).toHaveLength(2); // the replay never reached the gateway
  });

  it('a second card, Make default, Remove (detached at Stripe), and the first is the default again', async () => {
    await saveCard(billing, { brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031 });
    expect(fake.requestsTo('/v1/customers', 'POST')).toHaveLength(1);
    const cards = await billing.client.autopay.cards.query();
    expect(cards.map((c) => [c.last4, c.isDefault])).toEqual([
      ['4242', true],
      ['4444', false],
    ]);
    const mc = cards[1]!;
    expect((await billing.client.autopay.makeDefault.mutate({ cardId: mc.id })).map((c) => [c.last4, c.isDefault])).toEqual([
      ['4444', true],
      ['4242', false],
    ]);
    const pm = (await db().select().from(savedCards).where(eq(savedCards.id, mc.id)))[0]!.gatewayPaymentMethodId;
    const after = await billing.client.autopay.removeCard.mutate({ cardId: mc.id });
    expect(fake.requestsTo(`/v1/payment_methods/${pm}/detach`, 'POST')).toHaveLength(1);
    expect(after).toEqual([expect.objectContaining({ last4: '4242', isDefault: true })]);
  });

  it('refuses a Standard contact everything', async () => {
    await expectRefused(standard.client.autopay.saveCard.mutate(), 'FORBIDDEN', /Billing and Primary/);
    await expectRefused(standard.client.autopay.cards.query(), 'FORBIDDEN');
    await expectRefused(standard.client.autopay.removeCard.mutate({ cardId: 1 }), 'FORBIDDEN');
    await expectRefused(standard.client.autopay.makeDefault.mutate({ cardId: 1 }), 'FORBIDDEN');
    await expectRefused(standard.client.autopay.overview.query(), 'FORBIDDEN');
    expect(fake.requestsTo('/v1/checkout/sessions', 'POST')).toHaveLength(2);
  });
});

describe('auto-pay', () => {
  it('the contact turns Auto Pay on; the issued invoice is charged exactly once, however often the scheduler runs', async () => {
    const recurringId = await subscription('Managed services, 25 seats', 25_000, false);
    await expectRefused(standard.client.autopay.setAutoPay.mutate({ recurringId, autoPay: true }), 'FORBIDDEN');
    expect(await billing.client.autopay.setAutoPay.mutate({ recurringId, autoPay: true })).toMatchObject({ id: recurringId, autoPay: true });
    expect((await billing.client.autopay.overview.query()).recurring).toContainEqual(expect.objectContaining({ id: recurringId, autoPay: true }));

    await Promise.all([runRecurringBilling(portico.base), runRecurringBilling(portico.base)]);
    await runRecurringBilling(portico.base);
    const inv = await invoiceOf(recurringId);
    expect(chargesFor(inv.id)).toHaveLength(1);
    expect(chargesFor(inv.id)[0]).toMatchObject({ idempotencyKey: `autopay-invoice-${inv.id}`, params: expect.objectContaining({ amount: '25000', off_session: 'true', confirm: 'true' }) });
    expect(succeededFor(inv.id)).toHaveLength(1);
    expect((await db().select().from(invoices).where(eq(invoices.id, inv.id)))[0]).toMatchObject({ status: 'paid', paidMinor: 25_000 });
    const paid = (await db().select().from(payments).where(eq(payments.invoiceId, inv.id)));
    expect(paid).toEqual([expect.objectContaining({ method: 'card', gatewayRef: succeededFor(inv.id)[0]!.id, cardBrand: 'visa', cardLast4: '4242' })]);

    // Stripe's own word on the same intent changes nothing.
    const res = await fake.sendWebhook(hookUrl, fake.paymentIntentSucceededEvent(paid[0]!.gatewayRef!), WHSEC);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ autopay: true });
    expect((await db().select().from(payments).where(eq(payments.invoiceId, inv.id)))).toHaveLength(1);
    const history = await billing.client.payments.history.query();
    expect(history.filter((r) => r.invoiceId === inv.id)).toEqual([expect.objectContaining({ kind: 'payment', methodLabel: 'Visa •••• 4242' })]);
  });

  it('a declined charge: attempt failed, mail with a Pay Now link, Failed in the history; the retry a day later pays without a second charge', async () => {
    const recurringId = await subscription('Backup, 2 TB', 8_000, true);
    fake.declineNext(1, { message: 'Your card has insufficient funds.', declineCode: 'insufficient_funds' });
    await runRecurringBilling(portico.base);
    const inv = await invoiceOf(recurringId);
    const label = `INV-${inv.number}`;
    expect((await db().select().from(autopayAttempts).where(eq(autopayAttempts.invoiceId, inv.id)))).toEqual([
      expect.objectContaining({ attemptNo: 1, status: 'failed', failureMessage: 'Your card has insufficient funds.' }),
    ]);
    const mail = (await db().select().from(outbox).where(and(like(outbox.subject, `%${label}%`), eq(outbox.toAddress, 'billing@acme-dental.test'))));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Automatic payment failed for ${label}`);
    expect(mail[0]!.textBody).toContain(`${origin}/finance/invoices/${inv.id}`);
    expect(mail[0]!.htmlBody).toContain(`href="${origin}/finance/invoices/${inv.id}"`);
    const history = await billing.client.payments.history.query();
    expect(history.filter((r) => r.invoiceId === inv.id)).toEqual([
      expect.objectContaining({ kind: 'autopay_failed', status: 'failed', reason: 'Your card has insufficient funds.', amountMinor: 8_000 }),
    ]);

    await runRecurringBilling(portico.base); // not due yet
    expect(chargesFor(inv.id)).toHaveLength(1);
    clock.advance(DAY);
    await Promise.all([runRecurringBilling(portico.base), runRecurringBilling(portico.base)]);
    expect(chargesFor(inv.id).map((r) => r.idempotencyKey)).toEqual([`autopay-invoice-${inv.id}`, `autopay-invoice-${inv.id}-attempt-2`]);
    expect(succeededFor(inv.id)).toHaveLength(1);
    expect((await db().select().from(invoices).where(eq(invoices.id, inv.id)))[0]).toMatchObject({ status: 'paid', paidMinor: 8_000 });
    expect((await db().select().from(payments).where(eq(payments.invoiceId, inv.id)))).toHaveLength(1);
    clock.advance(3 * DAY);
    await runRecurringBilling(portico.base);
    expect(chargesFor(inv.id)).toHaveLength(2);
  });

  it('a charge still processing that then fails: the signed payment_failed webhook fails the attempt, mails, and the retry pays once', async () => {
    const recurringId = await subscription('Monitoring, 40 devices', 6_000, true);
    fake.processNext(1);
    await runRecurringBilling(portico.base);
    const inv = await invoiceOf(recurringId);
    const [pending] = (await db().select().from(autopayAttempts).where(eq(autopayAttempts.invoiceId, inv.id)));
    expect(pending).toMatchObject({ status: 'pending', gatewayPaymentIntentId: expect.stringMatching(/^pi_/) });

    const failed = fake.paymentIntentFailedEvent(pending!.gatewayPaymentIntentId!, 'Your card was declined.');
    for (const _ of [1, 2]) {
      const res = await fake.sendWebhook(hookUrl, failed, WHSEC);
      expect(res.status).toBe(200);
    }
    expect((await db().select().from(autopayAttempts).where(eq(autopayAttempts.invoiceId, inv.id)))).toEqual([
      expect.objectContaining({ attemptNo: 1, status: 'failed', failureMessage: 'Your card was declined.' }),
    ]);
    const label = `INV-${inv.number}`;
    expect((await db().select().from(outbox).where(and(like(outbox.subject, `%${label}%`), eq(outbox.toAddress, 'billing@acme-dental.test'))))).toHaveLength(1);
    expect((await db().select().from(invoices).where(eq(invoices.id, inv.id)))[0]).toMatchObject({ status: 'sent', paidMinor: 0 });

    clock.advance(DAY);
    await runRecurringBilling(portico.base);
    expect(chargesFor(inv.id)).toHaveLength(2);
    expect((await db().select().from(invoices).where(eq(invoices.id, inv.id)))[0]).toMatchObject({ status: 'paid', paidMinor: 6_000 });
  });
});
