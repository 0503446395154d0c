import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TPaymentGateway } from '../../../server/payments/gateway';
import { createStripeGateway } from '../../../server/payments/stripe-gateway';
import { parseStripeForm, startFakeStripe, type TFakeStripe } from '../../helpers/fake-stripe';

/* The real `stripe` client (through our gateway) against the local stand-in. */

const WHSEC = 'whsec_unit_test_secret_0123456789';
let fake: TFakeStripe;
let gw: TPaymentGateway;

beforeAll(async () => {
  fake = await startFakeStripe();
  gw = createStripeGateway({ secretKey: 'sk_test_unit_0000000000', publishableKey: 'pk_test_unit_0000000000', webhookSecret: WHSEC, apiUrl: fake.url });
});
afterAll(() => fake.stop());

describe('fake Stripe form parsing', () => {
  it('nests brackets and turns indexed keys into arrays', () => {
    expect(parseStripeForm('a[b][0][c]=1&a[b][1][c]=2&expand[0]=latest_charge&m[k]=v%20w&x=')).toEqual({
      a: { b: [{ c: '1' }, { c: '2' }] },
      expand: ['latest_charge'],
      m: { k: 'v w' },
      x: '',
    });
  });
});

describe('Stripe gateway against the fake', () => {
  it('creates a payment checkout, completes it, and reads the card of its payment intent', async () => {
    const co = await gw.createCheckout({
      mode: 'payment',
      amountMinor: 12_345,
      currency: 'USD',
      description: 'Invoice INV-1',
      customerEmail: 'a@b.test',
      metadata: { invoiceId: '7' },
      successUrl: 'http://portal.test/ok?s={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://portal.test/cancel',
      idempotencyKey: 'co-1',
    });
    expect(co.url).toBe(`${fake.url}/pay/${co.id}`);
    const req = fake.requestsTo('/v1/checkout/sessions', 'POST')[0]!;
    expect(req.idempotencyKey).toBe('co-1');
    expect(req.apiKey).toBe('sk_test_unit_0000000000');
    expect(req.params).toMatchObject({ mode: 'payment', line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '12345' } }], metadata: { invoiceId: '7' } });

    // Same key, same parameters: the same session, not a second one.
    const again = await gw.createCheckout({
      mode: 'payment', amountMinor: 12_345, currency: 'USD', description: 'Invoice INV-1', customerEmail: 'a@b.test', metadata: { invoiceId: '7' },
      successUrl: 'http://portal.test/ok?s={CHECKOUT_SESSION_ID}', cancelUrl: 'http://portal.test/cancel', idempotencyKey: 'co-1',
    });
    expect(again.id).toBe(co.id);

    expect((await gw.retrieveCheckout(co.id)).status).toBe('open');
    fake.completeCheckout(co.id);
    const done = await gw.retrieveCheckout(co.id);
    expect(done).toMatchObject({ status: 'complete', paymentStatus: 'paid', amountTotal: 12_345, currency: 'usd', metadata: { invoiceId: '7' } });
    expect(await gw.cardOfPaymentIntent(done.paymentIntentId!)).toEqual({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 });
  });

  it('saves a card in setup mode, charges it off-session once per key, declines on demand, refunds', async () => {
    const cus = await gw.createCustomer({ name: 'Acme', email: null, metadata: { companyId: '1' }, idempotencyKey: 'cus-1' });
    const co = await gw.createCheckout({ mode: 'setup', customerId: cus.id, currency: 'usd', metadata: {}, successUrl: 'http://x.test/s', cancelUrl: 'http://x.test/c', idempotencyKey: 'set-1' });
    const s = fake.completeCheckout(co.id);
    const pm = await gw.paymentMethodOfSetupIntent(String(s.setup_intent));
    expect(pm.card.last4).toBe('4242');

    const charge = { customerId: cus.id, paymentMethodId: pm.id, amountMinor: 5000, currency: 'usd', description: 'INV-2', metadata: {}, idempotencyKey: 'inv-2-1' };
    const first = await gw.chargeOffSession(charge);
    const second = await gw.chargeOffSession(charge);
    expect(first.status).toBe('succeeded');
    expect(second).toEqual(first);
    expect(fake.requestsTo('/v1/payment_intents', 'POST')).toHaveLength(2);
    expect([...fake.objects.values()].filter((o) => o.object === 'charge' && o.payment_method === pm.id)).toHaveLength(1);

    fake.declineNext(1, { declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' });
    const declined = await gw.chargeOffSession({ ...charge, idempotencyKey: 'inv-3-1' });
    expect(declined).toMatchObject({ status: 'failed', message: 'Your card has insufficient funds.' });
    expect(declined.status === 'failed' && declined.paymentIntentId).toMatch(/^pi_/);
    // Stripe answers a repeated key with the first answer, the decline included.
    expect(await gw.chargeOffSession({ ...charge, idempotencyKey: 'inv-3-1' })).toEqual(declined);
    expect((await gw.chargeOffSession({ ...charge, idempotencyKey: 'inv-3-2' })).status).toBe('succeeded');

    const pi = first.status === 'succeeded' ? first.paymentIntentId : '';
    expect(await gw.refund({ paymentIntentId: pi, amountMinor: 2000, idempotencyKey: 'r-1', metadata: {} })).toMatchObject({ status: 'succeeded' });
    await expect(gw.refund({ paymentIntentId: pi, amountMinor: 3001, idempotencyKey: 'r-2', metadata: {} })).rejects.toThrow(/greater than unrefunded/);
    await gw.detachPaymentMethod(pm.id);
    expect(fake.objects.get(pm.id)!.customer).toBeNull();
  });

  it('verifies signed webhooks and refuses bad or stale signatures', () => {
    const ev = fake.event('payment_intent.succeeded', { id: 'pi_x', object: 'payment_intent' });
    const ok = fake.sign(ev, WHSEC);
    expect(gw.verifyWebhook(Buffer.from(ok.body), ok.header)).toMatchObject({ id: ev.id, type: 'payment_intent.succeeded', object: { id: 'pi_x' } });
    const wrong = fake.sign(ev, 'whsec_other_secret_000000');
    expect(() => gw.verifyWebhook(Buffer.from(wrong.body), wrong.header)).toThrow();
    const stale = fake.sign(ev, WHSEC, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(() => gw.verifyWebhook(Buffer.from(stale.body), stale.header)).toThrow(/tolerance/i);
  });
});
