/**
 * The card gateway seam. Services talk to this interface only; `stripe-gateway.ts` is the
 * Stripe implementation. No card number ever reaches us: cards are entered on the gateway's
 * hosted checkout, and we keep the ids it gives back plus brand, last 4 and expiry.
 */

export interface TCardInfo {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type TCheckoutRequest =
  | {
      mode: 'payment';
      amountMinor: number;
      currency: string;
      /** The line the hosted page shows ("Invoice INV-1042"). */
      description: string;
      customerEmail: string | null;
      /** Our ids, echoed back on the webhook's objects. */
      metadata: Record<string, string>;
      successUrl: string;
      cancelUrl: string;
      idempotencyKey: string;
    }
  | {
      mode: 'setup';
      customerId: string;
      currency: string;
      metadata: Record<string, string>;
      successUrl: string;
      cancelUrl: string;
      idempotencyKey: string;
    };

export interface TOffSessionCharge {
  customerId: string;
  paymentMethodId: string;
  amountMinor: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  /** Per invoice: the gateway answers a repeat with the first charge instead of charging again. */
  idempotencyKey: string;
}

export type TChargeResult =
  | { status: 'succeeded'; paymentIntentId: string; card: TCardInfo | null }
  | { status: 'processing'; paymentIntentId: string }
  | { status: 'failed'; paymentIntentId: string | null; message: string };

/** A verified webhook event: id (for idempotency), type, and the object it is about. */
export interface TGatewayEvent {
  id: string;
  type: string;
  created: number;
  object: Record<string, unknown>;
}

export interface TPaymentGateway {
  readonly kind: 'stripe';
  createCheckout(req: TCheckoutRequest): Promise<{ id: string; url: string }>;
  /** A checkout session as the gateway has it now (status, payment/setup intent ids, amount). */
  retrieveCheckout(id: string): Promise<{
    id: string;
    status: 'open' | 'complete' | 'expired';
    paymentStatus: string;
    amountTotal: number | null;
    currency: string | null;
    paymentIntentId: string | null;
    setupIntentId: string | null;
    metadata: Record<string, string>;
  }>;
  /** The card behind a payment intent (for "Visa •••• 4242" in the history). */
  cardOfPaymentIntent(paymentIntentId: string): Promise<TCardInfo | null>;
  /** The payment method a completed setup intent saved. */
  paymentMethodOfSetupIntent(setupIntentId: string): Promise<{ id: string; card: TCardInfo }>;
  createCustomer(input: { name: string; email: string | null; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ id: string }>;
  detachPaymentMethod(paymentMethodId: string): Promise<void>;
  chargeOffSession(charge: TOffSessionCharge): Promise<TChargeResult>;
  refund(input: { paymentIntentId: string; amountMinor: number; idempotencyKey: string; metadata: Record<string, string> }): Promise<{ id: string; status: 'succeeded' | 'pending' | 'failed' }>;
  /**
   * Checks the signature header against the raw body (and refuses stale timestamps); throws
   * when it does not hold. The only way into money state changes.
   */
  verifyWebhook(rawBody: Buffer, signatureHeader: string): TGatewayEvent;
}

export interface TGatewayConfig {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Tests only: the local stand-in for the gateway's API. */
  apiUrl?: string;
}
