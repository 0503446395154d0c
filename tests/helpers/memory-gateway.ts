import type { TCardInfo, TChargeResult, TOffSessionCharge, TPaymentGateway } from '../../server/payments/gateway';

/*
 * An in-memory card gateway for unit tests of the services behind the gateway seam. Like the
 * real one it answers a repeated idempotency key with its first answer (a different request
 * under a used key is refused), so tests can count the money that actually moved. Knobs play
 * declines, lost answers (charged, but the caller never hears) and calls that never return.
 */

export const VISA: TCardInfo = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 };

type TStep = 'decline' | 'lose-answer' | 'no-answer' | 'hang' | 'processing';

export interface TMemoryGateway {
  gateway: TPaymentGateway;
  /** Every chargeOffSession call, in order (repeats included). */
  calls: TOffSessionCharge[];
  /** Charges that moved money: one per succeeded payment intent. */
  charged: { paymentIntentId: string; amountMinor: number; key: string }[];
  customers: { id: string; key: string }[];
  detached: string[];
  checkouts: { id: string; customerId: string; metadata: Record<string, string> }[];
  /** What the next calls do (first in, first out); afterwards they succeed. */
  next(...steps: TStep[]): void;
  /** Setup intents the hosted page "completed": setup intent id → payment method. */
  completeSetup(checkoutId: string, card?: TCardInfo): { setupIntentId: string; paymentMethodId: string };
  /** Resolves the calls left hanging by 'hang' (as if the process had died: nobody awaits them). */
  hanging: Promise<unknown>[];
}

class GatewayHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly type: string,
  ) {
    super(message);
  }
}

export function memoryGateway(): TMemoryGateway {
  let n = 0;
  const id = (p: string) => `${p}_mem_${++n}`;
  const calls: TOffSessionCharge[] = [];
  const charged: TMemoryGateway['charged'] = [];
  const customers: TMemoryGateway['customers'] = [];
  const detached: string[] = [];
  const checkouts: TMemoryGateway['checkouts'] = [];
  const steps: TStep[] = [];
  const byKey = new Map<string, { request: string; result: TChargeResult }>();
  const setups = new Map<string, { id: string; card: TCardInfo }>();
  const methods = new Map<string, { customerId: string | null; card: TCardInfo }>();
  const hanging: Promise<unknown>[] = [];

  const charge = (c: TOffSessionCharge, step: TStep | undefined): TChargeResult => {
    if (step === 'decline') return { status: 'failed', paymentIntentId: id('pi'), message: 'Your card was declined.' };
    if (step === 'processing') return { status: 'processing', paymentIntentId: id('pi') };
    const pm = methods.get(c.paymentMethodId);
    if (!pm || pm.customerId !== c.customerId) return { status: 'failed', paymentIntentId: null, message: 'The card is not attached.' };
    const pi = id('pi');
    charged.push({ paymentIntentId: pi, amountMinor: c.amountMinor, key: c.idempotencyKey });
    return { status: 'succeeded', paymentIntentId: pi, card: pm.card };
  };

  const gateway: TPaymentGateway = {
    kind: 'stripe',
    async createCheckout(req) {
      if (req.mode !== 'setup') throw new Error('the memory gateway only does setup checkouts');
      const cs = { id: id('cs'), customerId: req.customerId, metadata: req.metadata };
      checkouts.push(cs);
      return { id: cs.id, url: `https://checkout.example/${cs.id}` };
    },
    async retrieveCheckout(checkoutId) {
      const si = setups.get(checkoutId);
      return { id: checkoutId, status: si ? 'complete' : 'open', paymentStatus: 'no_payment_required', amountTotal: null, currency: null, paymentIntentId: null, setupIntentId: si ? `seti_for_${checkoutId}` : null, metadata: {} };
    },
    async cardOfPaymentIntent(paymentIntentId) {
      const known = [...byKey.values()].find((k) => k.result.paymentIntentId === paymentIntentId);
      const c = known && JSON.parse(known.request) as TOffSessionCharge;
      return c ? (methods.get(c.paymentMethodId)?.card ?? null) : null;
    },
    async paymentMethodOfSetupIntent(setupIntentId) {
      const pm = setups.get(setupIntentId.replace(/^seti_for_/, ''));
      if (!pm) throw new Error(`no such setup intent ${setupIntentId}`);
      return pm;
    },
    async createCustomer(input) {
      const known = customers.find((c) => c.key === input.idempotencyKey);
      if (known) return { id: known.id };
      const c = { id: id('cus'), key: input.idempotencyKey };
      customers.push(c);
      return { id: c.id };
    },
    async detachPaymentMethod(paymentMethodId) {
      const pm = methods.get(paymentMethodId);
      if (!pm?.customerId) throw new GatewayHttpError(`The payment method ${paymentMethodId} is not attached to a customer.`, 400, 'StripeInvalidRequestError');
      pm.customerId = null;
      detached.push(paymentMethodId);
    },
    async chargeOffSession(c) {
      calls.push(c);
      const request = JSON.stringify({ ...c, idempotencyKey: undefined });
      const seen = byKey.get(c.idempotencyKey);
      if (seen) {
        if (seen.request !== request) throw new GatewayHttpError('Keys for idempotent requests can only be used with the same parameters.', 400, 'StripeIdempotencyError');
        return seen.result;
      }
      const step = steps.shift();
      if (step === 'no-answer') throw new Error('socket hang up');
      const result = charge(c, step);
      byKey.set(c.idempotencyKey, { request, result });
      if (step === 'lose-answer') throw new Error('read ECONNRESET');
      if (step === 'hang') {
        const never = new Promise<TChargeResult>(() => {});
        hanging.push(never);
        return never;
      }
      // A network round trip: other runs get to go meanwhile, as they would.
      await new Promise((r) => setTimeout(r, 5));
      return result;
    },
    async refund() {
      throw new Error('not used');
    },
    verifyWebhook() {
      throw new Error('not used');
    },
  };

  return {
    gateway,
    calls,
    charged,
    customers,
    detached,
    checkouts,
    hanging,
    next: (...s) => void steps.push(...s),
    completeSetup(checkoutId, card = VISA) {
      const cs = checkouts.find((c) => c.id === checkoutId);
      if (!cs) throw new Error(`no checkout ${checkoutId}`);
      const pmId = id('pm');
      methods.set(pmId, { customerId: cs.customerId, card });
      setups.set(checkoutId, { id: pmId, card });
      return { setupIntentId: `seti_for_${checkoutId}`, paymentMethodId: pmId };
    },
  };
}
