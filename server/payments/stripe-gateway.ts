import Stripe from 'stripe';
import type { TCardInfo, TChargeResult, TGatewayConfig, TGatewayEvent, TPaymentGateway } from './gateway';

/** Webhook signatures older than this are refused (replay window). */
const WEBHOOK_TOLERANCE_SECONDS = 300;

const cardOf = (c: Stripe.PaymentMethod.Card | Stripe.Charge.PaymentMethodDetails.Card | null | undefined): TCardInfo | null =>
  c ? { brand: c.brand ?? 'card', last4: c.last4 ?? '????', expMonth: c.exp_month ?? 0, expYear: c.exp_year ?? 0 } : null;

const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);

/** The Stripe implementation of the gateway seam, on the official `stripe` package. */
export function createStripeGateway(config: TGatewayConfig): TPaymentGateway {
  const api = config.apiUrl ? new URL(config.apiUrl) : null;
  const stripe = new Stripe(config.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(api ? { host: api.hostname, port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)), protocol: api.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });

  return {
    kind: 'stripe',

    async createCheckout(req) {
      const params: Stripe.Checkout.SessionCreateParams =
        req.mode === 'payment'
          ? {
              mode: 'payment',
              line_items: [{ quantity: 1, price_data: { currency: req.currency.toLowerCase(), unit_amount: req.amountMinor, product_data: { name: req.description } } }],
              ...(req.customerEmail ? { customer_email: req.customerEmail } : {}),
              metadata: req.metadata,
              payment_intent_data: { metadata: req.metadata, description: req.description },
              success_url: req.successUrl,
              cancel_url: req.cancelUrl,
            }
          : {
              mode: 'setup',
              customer: req.customerId,
              currency: req.currency.toLowerCase(),
              metadata: req.metadata,
              setup_intent_data: { metadata: req.metadata },
              success_url: req.successUrl,
              cancel_url: req.cancelUrl,
            };
      const s = await stripe.checkout.sessions.create(params, { idempotencyKey: req.idempotencyKey });
      if (!s.url) throw new Error('the gateway returned a checkout session without a URL');
      return { id: s.id, url: s.url };
    },

    async retrieveCheckout(id) {
      const s = await stripe.checkout.sessions.retrieve(id);
      return {
        id: s.id,
        status: (s.status ?? 'open') as 'open' | 'complete' | 'expired',
        paymentStatus: s.payment_status,
        amountTotal: s.amount_total,
        currency: s.currency,
        paymentIntentId: idOf(s.payment_intent),
        setupIntentId: idOf(s.setup_intent),
        metadata: (s.metadata ?? {}) as Record<string, string>,
      };
    },

    async cardOfPaymentIntent(paymentIntentId) {
      const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] });
      const charge = pi.latest_charge && typeof pi.latest_charge !== 'string' ? pi.latest_charge : null;
      return cardOf(charge?.payment_method_details?.card);
    },

    async paymentMethodOfSetupIntent(setupIntentId) {
      const si = await stripe.setupIntents.retrieve(setupIntentId);
      const pmId = idOf(si.payment_method);
      if (!pmId) throw new Error('the setup intent has no payment method');
      const pm = await stripe.paymentMethods.retrieve(pmId);
      const card = cardOf(pm.card);
      if (!card) throw new Error('the saved payment method is not a card');
      return { id: pm.id, card };
    },

    async createCustomer(input) {
      const c = await stripe.customers.create(
        { name: input.name, ...(input.email ? { email: input.email } : {}), metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      return { id: c.id };
    },

    async detachPaymentMethod(paymentMethodId) {
      await stripe.paymentMethods.detach(paymentMethodId);
    },

    async chargeOffSession(charge): Promise<TChargeResult> {
      try {
        const pi = await stripe.paymentIntents.create(
          {
            amount: charge.amountMinor,
            currency: charge.currency.toLowerCase(),
            customer: charge.customerId,
            payment_method: charge.paymentMethodId,
            off_session: true,
            confirm: true,
            description: charge.description,
            metadata: charge.metadata,
            expand: ['latest_charge'],
          },
          { idempotencyKey: charge.idempotencyKey },
        );
        if (pi.status === 'succeeded') {
          const latest = pi.latest_charge && typeof pi.latest_charge !== 'string' ? pi.latest_charge : null;
          return { status: 'succeeded', paymentIntentId: pi.id, card: cardOf(latest?.payment_method_details?.card) };
        }
        if (pi.status === 'processing') return { status: 'processing', paymentIntentId: pi.id };
        return { status: 'failed', paymentIntentId: pi.id, message: pi.last_payment_error?.message ?? `The payment needs action (${pi.status}).` };
      } catch (err) {
        // A decline is an answer, not a fault: the attempt is recorded as failed and retried later.
        if (err instanceof Stripe.errors.StripeCardError) {
          const raw = err.raw as { payment_intent?: { id?: string } } | undefined;
          return { status: 'failed', paymentIntentId: raw?.payment_intent?.id ?? null, message: err.message };
        }
        throw err;
      }
    },

    async refund(input) {
      const r = await stripe.refunds.create(
        { payment_intent: input.paymentIntentId, amount: input.amountMinor, metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      const status = r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' || r.status === 'canceled' ? 'failed' : 'pending';
      return { id: r.id, status };
    },

    verifyWebhook(rawBody, signatureHeader): TGatewayEvent {
      const ev = stripe.webhooks.constructEvent(rawBody, signatureHeader, config.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
      return { id: ev.id, type: ev.type, created: ev.created, object: ev.data.object as unknown as Record<string, unknown> };
    },
  };
}
