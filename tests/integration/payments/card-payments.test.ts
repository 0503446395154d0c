import { and, eq, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../db/schema/audit';
import { events } from '../../../db/schema/events';
import { invoices, payments } from '../../../db/schema/finance';
import { outbox } from '../../../db/schema/outbox';
import { checkoutSessions, gatewayEvents, refunds } from '../../../db/schema/payments';
import { contacts } from '../../../db/schema/people';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { createInvoice, issueInvoice } from '../../../server/finance/invoice-edits';
import { enrollTotp, totpCode } from '../../browser/portal-fixture';
import { asDemoUser } from '../../helpers/demo-actors';
import { startFakeStripe, type TFakeStripe, type TStripeEvent } from '../../helpers/fake-stripe';
import { startTestServer } from '../../helpers/test-server';
import { createTestClient } from '../../helpers/trpc-client';

/*
 * Card payments end to end: the real server, the real tRPC client, the real `stripe` client
 * talking to the local fake Stripe, and webhooks signed with the library's own test header.
 */

const WHSEC = 'whsec_integration_0123456789abcdef';
const KEYS = { publishableKey: 'pk_test_integration0000', secretKey: 'sk_test_integration0000abcd' };

let fake: TFakeStripe;
let srv: Awaited<ReturnType<typeof startTestServer>>;
type TClient = ReturnType<typeof createTestClient>;
let admin: TClient;
let billing: TClient;
let standard: TClient;
let northwindBilling: TClient;
let hookUrl: string;
let acmeCompanyId: number;

async function contactClient(email: string): Promise<TClient> {
  const t = createTestClient(srv.origin);
  const r = await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  if (r.kind !== 'signed-in') throw new Error(`${email}: ${r.kind}`);
  return t;
}

beforeAll(async () => {
  fake = await startFakeStripe();
  srv = await startTestServer({ PAYMENT_GATEWAY_API_URL: fake.url });
  hookUrl = `${srv.origin}/webhooks/stripe/demo-msp`;
  const key = await enrollTotp(srv.portico, 'admin@demo-msp.test');
  admin = createTestClient(srv.origin);
  const first = await admin.client.auth.signInWithPassword.mutate({ email: 'admin@demo-msp.test', password: DEMO_PASSWORD });
  if (first.kind !== 'two-factor') throw new Error(first.kind);
  await admin.client.auth.completeTwoFactor.mutate({ pendingToken: first.pendingToken, method: 'totp', code: totpCode(key) });
  billing = await contactClient('billing@acme-dental.test');
  standard = await contactClient('standard@acme-dental.test');
  northwindBilling = await contactClient('billing@northwind.test');
  acmeCompanyId = (await srv.portico.base.db.select().from(contacts).where(eq(contacts.email, 'billing@acme-dental.test')))[0]!.companyId;
  await admin.client.payments.updateGatewaySettings.mutate({ ...KEYS, webhookSecret: WHSEC, allowPartial: false, enabled: true });
});
afterAll(async () => {
  await Promise.all([admin, billing, standard, northwindBilling].map((c) => c?.close()));
  await srv?.stop();
  await fake?.stop();
});

const db = () => srv.portico.base.db;

/** A fresh issued Acme invoice of `totalMinor` (made by the demo admin through the services). */
async function newInvoice(totalMinor = 10_000, companyId = acmeCompanyId): Promise<number> {
  const staff = await asDemoUser(srv.portico.base, 'admin@demo-msp.test');
  const inv = await createInvoice(staff, { companyId, issueDate: '2026-11-01', dueDate: '2099-11-30', lines: [{ description: 'Managed services', quantityMilli: 1000, unitPriceMinor: totalMinor, taxRateBp: 0 }] });
  return (await issueInvoice(staff, { invoiceId: inv.id })).id;
}

const invoiceRow = async (id: number) => (await db().select().from(invoices).where(eq(invoices.id, id)))[0]!;
const paymentsOf = async (id: number) => (await db().select().from(payments).where(eq(payments.invoiceId, id)));
const sessionIdOf = (url: string) => url.split('/').pop()!;

/** Pay Now as the contact, then the customer pays on the (fake) hosted page; returns the completed-session event. */
async function payOnGateway(client: TClient, invoiceId: number, amountMinor?: number): Promise<TStripeEvent> {
  const { url } = await client.client.payments.payNow.mutate({ invoiceId, ...(amountMinor ? { amountMinor } : {}) });
  expect(url.startsWith(`${fake.url}/pay/cs_`)).toBe(true);
  const id = sessionIdOf(url);
  fake.completeCheckout(id);
  return fake.checkoutCompletedEvent(id);
}

async function expectRefused(p: Promise<unknown>, code: string, message?: RegExp) {
  const err = (await p.then(() => null, (e: unknown) => e)) as { data?: { code?: string }; message?: string } | null;
  expect(err, 'expected a refusal').not.toBeNull();
  expect(err!.data?.code).toBe(code);
  if (message) expect(err!.message).toMatch(message);
}

describe('card payment settings', () => {
  it('a staff admin saves the Stripe keys; secrets never come back, only the last 4 of the secret key', async () => {
    const view = await admin.client.payments.updateGatewaySettings.mutate({ ...KEYS, webhookSecret: WHSEC, allowPartial: false, enabled: true });
    expect(view).toMatchObject({ configured: true, secretKeySet: true, secretKeyLast4: 'abcd', webhookSecretSet: true, enabled: true, webhookUrl: `${srv.origin}/webhooks/stripe/demo-msp` });
    const read = JSON.stringify(await admin.client.payments.gatewaySettings.query());
    expect(read).not.toContain(KEYS.secretKey);
    expect(read).not.toContain(WHSEC);
    const audit = (await db().select().from(auditEvents).where(eq(auditEvents.kind, 'payment_settings_changed')));
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(KEYS.secretKey);
  });

  it('contacts cannot read or change them', async () => {
    await expectRefused(billing.client.payments.gatewaySettings.query(), 'FORBIDDEN');
    await expectRefused(billing.client.payments.updateGatewaySettings.mutate({ ...KEYS, allowPartial: true, enabled: true }), 'FORBIDDEN');
  });

  it('refuses keys that are not Stripe keys', async () => {
    await expectRefused(admin.client.payments.updateGatewaySettings.mutate({ publishableKey: 'nope', allowPartial: false, enabled: true }), 'BAD_REQUEST', /publishable key/);
  });
});

describe('Pay Now', () => {
  it('is offered to a Billing contact for an invoice with a balance, not to staff or a Standard contact', async () => {
    const id = await newInvoice();
    expect(await billing.client.payments.payOptions.query({ invoiceId: id })).toMatchObject({ canPay: true, balanceMinor: 10_000, currency: 'USD' });
    expect((await admin.client.payments.payOptions.query({ invoiceId: id })).canPay).toBe(false);
    expect((await standard.client.payments.payOptions.query({ invoiceId: id })).canPay).toBe(false);
    await expectRefused(standard.client.payments.payNow.mutate({ invoiceId: id }), 'FORBIDDEN', /Billing and Primary/);
    await expectRefused(admin.client.payments.payNow.mutate({ invoiceId: id }), 'FORBIDDEN');
    expect((await db().select().from(checkoutSessions).where(eq(checkoutSessions.invoiceId, id)))).toHaveLength(0);
  });

  it("refuses another company's invoice as not found", async () => {
    const id = await newInvoice();
    await expectRefused(northwindBilling.client.payments.payNow.mutate({ invoiceId: id }), 'NOT_FOUND');
    await expectRefused(northwindBilling.client.payments.payOptions.query({ invoiceId: id }), 'NOT_FOUND');
  });

  it('pays in full: nothing changes until the signed webhook, which marks it Paid, records the card, sends a receipt, and tells open pages', async () => {
    const id = await newInvoice(12_345);
    const { url } = await billing.client.payments.payNow.mutate({ invoiceId: id });
    const created = fake.requestsTo('/v1/checkout/sessions', 'POST').at(-1)!;
    expect(created.apiKey).toBe(KEYS.secretKey);
    expect(created.idempotencyKey).toMatch(/^portico-checkout-/);
    expect(created.params).toMatchObject({
      mode: 'payment',
      customer_email: 'billing@acme-dental.test',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '12345' } }],
      success_url: `${srv.origin}/finance/invoices/${id}?payment=success`,
      cancel_url: `${srv.origin}/finance/invoices/${id}?payment=cancelled`,
    });
    const row = (await db().select().from(checkoutSessions).where(eq(checkoutSessions.gatewaySessionId, sessionIdOf(url))))[0]!;
    expect(row).toMatchObject({ mode: 'payment', invoiceId: id, amountMinor: 12_345, status: 'open' });

    // The customer pays on the hosted page; the portal learns nothing until the webhook.
    fake.completeCheckout(sessionIdOf(url));
    expect((await invoiceRow(id)).status).toBe('sent');

    const live = billing.live();
    const seen: string[] = [];
    // Resume from the log's current end, so an event committed before the socket is subscribed is replayed, not missed.
    const lastEventId = (await db().select({ id: max(events.id) }).from(events))[0]?.id ?? 0;
    const changed = new Promise<void>((resolve) => {
      const sub = live.finance.onChange.subscribe(
        { lastEventId },
        {
          onData: (ev) => {
            const e = ev.data as { kind: string; payload: { invoiceId?: number; status?: string } };
            seen.push(e.kind);
            if (e.kind === 'invoice.changed' && e.payload.invoiceId === id && e.payload.status === 'paid') {
              sub.unsubscribe();
              resolve();
            }
          },
        },
      );
    });
    const res = await fake.sendWebhook(hookUrl, fake.checkoutCompletedEvent(sessionIdOf(url)), WHSEC);
    expect(res.status).toBe(200);
    await changed;
    expect(seen).toContain('payment.recorded');

    expect(await invoiceRow(id)).toMatchObject({ status: 'paid', paidMinor: 12_345 });
    const [p] = await paymentsOf(id);
    expect(p).toMatchObject({ amountMinor: 12_345, method: 'card', gateway: 'stripe', cardBrand: 'visa', cardLast4: '4242' });
    expect(p!.gatewayRef).toMatch(/^pi_/);
    const inv = await billing.client.finance.invoice.query({ invoiceId: id });
    expect(inv.status).toBe('paid');
    expect(inv.payments[0]).toMatchObject({ cardBrand: 'visa', cardLast4: '4242' });
    const history = await billing.client.payments.history.query();
    expect(history.find((h) => h.invoiceId === id)).toMatchObject({ kind: 'payment', methodLabel: 'Visa •••• 4242', status: 'completed', amountMinor: 12_345 });
    expect((await db().select().from(checkoutSessions).where(eq(checkoutSessions.id, row.id)))[0]!.status).toBe('complete');

    const mail = (await db().select().from(outbox).where(eq(outbox.subject, `Payment receipt for ${inv.number}`)));
    expect(mail.map((m) => m.toAddress)).toContain('billing@acme-dental.test');
    expect(mail[0]!.textBody).toContain('Visa •••• 4242');
    expect(mail[0]!.textBody).toContain('$123.45');
    const audit = (await db().select().from(auditEvents).where(eq(auditEvents.kind, 'card_payment_received')));
    expect(audit.some((a) => a.detail.paymentIntent === p!.gatewayRef && a.detail.appliedMinor === 12_345)).toBe(true);
    expect(await billing.client.payments.payOptions.query({ invoiceId: id })).toMatchObject({ canPay: false });
  });

  it('a duplicate, a replay and the matching payment_intent.succeeded change nothing more', async () => {
    const id = await newInvoice();
    const ev = await payOnGateway(billing, id);
    const signed = fake.sign(ev, WHSEC);
    const send = (body: string, header: string) =>
      fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    // Two deliveries at once, then the same signed request replayed, then the event re-sent with a new signature.
    const [a, b] = await Promise.all([send(signed.body, signed.header), send(signed.body, signed.header)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await send(signed.body, signed.header)).json).toMatchObject({ duplicate: true });
    expect((await fake.sendWebhook(hookUrl, ev, WHSEC)).status).toBe(200);
    const pi = String((ev.data.object as { payment_intent: string }).payment_intent);
    const piEvent = fake.paymentIntentSucceededEvent(pi);
    expect(JSON.parse((await fake.sendWebhook(hookUrl, piEvent, WHSEC)).text)).toMatchObject({ alreadyApplied: true });
    expect(await paymentsOf(id)).toHaveLength(1);
    expect(await invoiceRow(id)).toMatchObject({ status: 'paid', paidMinor: 10_000 });
    expect((await db().select().from(gatewayEvents).where(eq(gatewayEvents.id, ev.id)))).toHaveLength(1);
    const receipts = (await db().select().from(outbox).where(eq(outbox.subject, `Payment receipt for INV-${(await invoiceRow(id)).number}`)));
    expect(receipts).toHaveLength(1);
  });

  it('payment_intent.succeeded alone applies the payment (when it arrives first), and the later checkout event adds nothing', async () => {
    const id = await newInvoice(7_000);
    const done = await payOnGateway(billing, id);
    const pi = String((done.data.object as { payment_intent: string }).payment_intent);
    expect((await fake.sendWebhook(hookUrl, fake.paymentIntentSucceededEvent(pi), WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'paid', paidMinor: 7_000 });
    expect((await fake.sendWebhook(hookUrl, done, WHSEC)).status).toBe(200);
    expect(await paymentsOf(id)).toHaveLength(1);
  });

  it('refuses a bad signature, a tampered body, a missing header and a stale timestamp with 400, changing nothing', async () => {
    const id = await newInvoice();
    const ev = await payOnGateway(billing, id);
    const eventsBefore = (await db().select().from(gatewayEvents)).length;
    expect((await fake.sendWebhook(hookUrl, ev, 'whsec_someone_else_entirely_000')).status).toBe(400);
    const signed = fake.sign(ev, WHSEC);
    const tampered = signed.body.replace('"amount_total": 10000', '"amount_total": 1');
    expect(tampered).not.toBe(signed.body);
    expect((await fake.sendWebhook(hookUrl, ev, WHSEC, { body: tampered, header: signed.header })).status).toBe(400);
    const missing = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed.body });
    expect(missing.status).toBe(400);
    const stale = await fake.sendWebhook(hookUrl, ev, WHSEC, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(400);
    expect(await invoiceRow(id)).toMatchObject({ status: 'sent', paidMinor: 0 });
    expect(await paymentsOf(id)).toHaveLength(0);
    expect((await db().select().from(gatewayEvents))).toHaveLength(eventsBefore);
    // The genuine event still goes through afterwards.
    expect((await fake.sendWebhook(hookUrl, ev, WHSEC)).status).toBe(200);
    expect((await invoiceRow(id)).status).toBe('paid');
  });

  it('answers 2xx for events it does not act on, 404 for a provider without card payments, 405 for GET', async () => {
    const other = fake.event('customer.created', { id: 'cus_x', object: 'customer' });
    expect(await fake.sendWebhook(hookUrl, other, WHSEC)).toMatchObject({ status: 200 });
    const foreign = fake.event('checkout.session.completed', { id: 'cs_test_not_ours', object: 'checkout.session', mode: 'payment', payment_status: 'paid' });
    expect(JSON.parse((await fake.sendWebhook(hookUrl, foreign, WHSEC)).text)).toMatchObject({ ignored: 'not a checkout of this portal' });
    expect((await fake.sendWebhook(`${srv.origin}/webhooks/stripe/no-such-msp`, other, WHSEC)).status).toBe(404);
    expect((await fetch(hookUrl)).status).toBe(405);
  });

  it('refuses tampered amounts: above the balance, negative, or an event that disagrees with our checkout', async () => {
    const id = await newInvoice(10_000);
    await expectRefused(billing.client.payments.payNow.mutate({ invoiceId: id, amountMinor: 10_001 }), 'BAD_REQUEST', /more than the balance/);
    await expectRefused(billing.client.payments.payNow.mutate({ invoiceId: id, amountMinor: -5 }), 'BAD_REQUEST');
    // A genuine signed event whose amount is not what we asked for is not applied.
    const { url } = await billing.client.payments.payNow.mutate({ invoiceId: id });
    const s = fake.completeCheckout(sessionIdOf(url), { amountTotal: 100 });
    const res = await fake.sendWebhook(hookUrl, fake.event('checkout.session.completed', s), WHSEC);
    expect(JSON.parse(res.text)).toMatchObject({ applied: false, reason: 'amount mismatch' });
    expect(await invoiceRow(id)).toMatchObject({ status: 'sent', paidMinor: 0 });
  });

  it('partial payments: refused while the provider does not allow them; allowed ones leave the invoice Partial', async () => {
    const id = await newInvoice(10_000);
    await expectRefused(billing.client.payments.payNow.mutate({ invoiceId: id, amountMinor: 4_000 }), 'BAD_REQUEST', /full balance/);
    // Turning partial payments on keeps the saved secrets (left blank).
    await admin.client.payments.updateGatewaySettings.mutate({ publishableKey: KEYS.publishableKey, secretKey: '', webhookSecret: '', allowPartial: true, enabled: true });
    expect((await billing.client.payments.payOptions.query({ invoiceId: id })).allowPartial).toBe(true);
    await expectRefused(billing.client.payments.payNow.mutate({ invoiceId: id, amountMinor: 10 }), 'BAD_REQUEST', /at least/);
    expect((await fake.sendWebhook(hookUrl, await payOnGateway(billing, id, 4_000), WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'partial', paidMinor: 4_000 });
    expect((await billing.client.payments.payOptions.query({ invoiceId: id })).balanceMinor).toBe(6_000);
    expect((await fake.sendWebhook(hookUrl, await payOnGateway(billing, id), WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'paid', paidMinor: 10_000 });
    expect((await paymentsOf(id)).map((p) => p.amountMinor)).toEqual([4_000, 6_000]);
    await admin.client.payments.updateGatewaySettings.mutate({ publishableKey: KEYS.publishableKey, allowPartial: false, enabled: true });
  });

  it('two checkouts paid for one balance: the second applies only what is owed', async () => {
    const id = await newInvoice(5_000);
    const first = await payOnGateway(billing, id);
    const second = await payOnGateway(billing, id);
    await fake.sendWebhook(hookUrl, first, WHSEC);
    expect((await fake.sendWebhook(hookUrl, second, WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'paid', paidMinor: 5_000 });
    expect(await paymentsOf(id)).toHaveLength(1);
  });

  it('throttles the payment pages one person opens: 30 per 10 minutes', async () => {
    const primary = await contactClient('primary@acme-dental.test');
    const id = await newInvoice(5_000);
    for (let i = 0; i < 30; i++) await primary.client.payments.payNow.mutate({ invoiceId: id });
    await expectRefused(primary.client.payments.payNow.mutate({ invoiceId: id }), 'TOO_MANY_REQUESTS', /Too many payment pages/);
    // Another person of the same company is not held back by it.
    expect((await billing.client.payments.payNow.mutate({ invoiceId: id })).url).toContain('/pay/cs_');
  });

  it('turned off: no Pay Now, but webhooks for payments already made still apply', async () => {
    const id = await newInvoice();
    const ev = await payOnGateway(billing, id);
    await admin.client.payments.updateGatewaySettings.mutate({ publishableKey: KEYS.publishableKey, allowPartial: false, enabled: false });
    try {
      expect((await billing.client.payments.payOptions.query({ invoiceId: id })).canPay).toBe(false);
      await expectRefused(billing.client.payments.payNow.mutate({ invoiceId: id }), 'CONFLICT', /not available/);
      expect((await fake.sendWebhook(hookUrl, ev, WHSEC)).status).toBe(200);
      expect((await invoiceRow(id)).status).toBe('paid');
    } finally {
      await admin.client.payments.updateGatewaySettings.mutate({ publishableKey: KEYS.publishableKey, allowPartial: false, enabled: true });
    }
  });
});

describe('refunds', () => {
  it('staff refund part, then the rest; the invoice goes Paid → Partial → Unpaid; more than paid is refused', async () => {
    const id = await newInvoice(10_000);
    await fake.sendWebhook(hookUrl, await payOnGateway(billing, id), WHSEC);
    const paymentId = (await paymentsOf(id))[0]!.id;
    await expectRefused(billing.client.payments.refund.mutate({ paymentId, amountMinor: 100 }), 'FORBIDDEN');

    const part = await admin.client.payments.refund.mutate({ paymentId, amountMinor: 3_000, reason: 'Service credit' });
    expect(part).toMatchObject({ status: 'succeeded', amountMinor: 3_000 });
    const req = fake.requestsTo('/v1/refunds', 'POST').at(-1)!;
    expect(req.params).toMatchObject({ payment_intent: (await paymentsOf(id))[0]!.gatewayRef, amount: '3000' });
    expect(req.idempotencyKey).toBe(`portico-refund-${(await invoiceRow(id)).providerId}-${part.refundId}`);
    expect(await invoiceRow(id)).toMatchObject({ status: 'partial', paidMinor: 7_000 });
    expect((await paymentsOf(id))[0]!.refundedMinor).toBe(3_000);
    const history = await billing.client.payments.history.query();
    expect(history.find((h) => h.id === paymentId)).toMatchObject({ status: 'partially_refunded', refundedMinor: 3_000 });

    await expectRefused(admin.client.payments.refund.mutate({ paymentId, amountMinor: 7_001 }), 'BAD_REQUEST', /At most \$70\.00/);
    const rest = await admin.client.payments.refund.mutate({ paymentId, amountMinor: 7_000 });
    expect(rest.status).toBe('succeeded');
    expect(await invoiceRow(id)).toMatchObject({ status: 'sent', paidMinor: 0 });
    expect((await admin.client.payments.history.query({ companyId: acmeCompanyId })).find((h) => h.id === paymentId)).toMatchObject({ status: 'refunded', refundable: false });
    await expectRefused(admin.client.payments.refund.mutate({ paymentId, amountMinor: 1 }), 'BAD_REQUEST', /already refunded/);
    expect((await db().select().from(refunds).where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded'))))).toHaveLength(2);
    const audit = (await db().select().from(auditEvents).where(eq(auditEvents.kind, 'payment_refunded')));
    const intent = (await paymentsOf(id))[0]!.gatewayRef;
    expect(audit.filter((a) => a.detail.paymentIntent === intent).map((a) => a.detail.amountMinor)).toEqual([3_000, 7_000]);
    // The invoice is payable again.
    expect((await billing.client.payments.payOptions.query({ invoiceId: id })).canPay).toBe(true);
  });

  it('a refund made in the Stripe dashboard reaches the invoice through charge.refunded, once; a portal refund is not counted twice', async () => {
    const id = await newInvoice(10_000);
    await fake.sendWebhook(hookUrl, await payOnGateway(billing, id), WHSEC);
    const p = (await paymentsOf(id))[0]!;
    const dashboard = fake.dashboardRefundEvent(p.gatewayRef!, 2_500);
    for (const _ of [1, 2]) expect((await fake.sendWebhook(hookUrl, dashboard, WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'partial', paidMinor: 7_500 });
    expect((await paymentsOf(id))[0]!.refundedMinor).toBe(2_500);

    // A portal refund: its own charge.refunded (total 4,500 now) adds nothing more.
    await admin.client.payments.refund.mutate({ paymentId: p.id, amountMinor: 2_000 });
    const charge = fake.objects.get(String(fake.objects.get(p.gatewayRef!)!.latest_charge))!;
    expect((await fake.sendWebhook(hookUrl, fake.event('charge.refunded', charge), WHSEC)).status).toBe(200);
    expect(await invoiceRow(id)).toMatchObject({ status: 'partial', paidMinor: 5_500 });
    expect((await paymentsOf(id))[0]!.refundedMinor).toBe(4_500);
    expect((await db().select().from(refunds).where(eq(refunds.paymentId, p.id))).map((r) => [r.amountMinor, r.status])).toEqual([
      [2_500, 'succeeded'],
      [2_000, 'succeeded'],
    ]);
  });

  it('a payment recorded by hand is not refunded through the gateway', async () => {
    const id = await newInvoice(2_000);
    const p = await admin.client.finance.recordPayment.mutate({ invoiceId: id, amountMinor: 2_000, method: 'bank_transfer' });
    await expectRefused(admin.client.payments.refund.mutate({ paymentId: p.id, amountMinor: 2_000 }), 'CONFLICT', /Only card payments/);
  });
});
