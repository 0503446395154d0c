import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/*
 * A local stand-in for the Stripe API, for tests (no network reaches Stripe here). Start it,
 * pass `fake.url` as PAYMENT_GATEWAY_API_URL, and the real `stripe` client (through
 * server/payments/stripe-gateway.ts) talks to it. It answers the endpoints the gateway calls
 * with objects shaped like Stripe's, honours Idempotency-Key like Stripe (same key and
 * parameters: the first answer again, nothing done twice; same key, other parameters: 400),
 * and records every request for assertions.
 *
 * Webhooks: `fake.event(type, object)` builds an event, `fake.sendWebhook(url, event, secret)`
 * signs it with `stripe.webhooks.generateTestHeaderString` and POSTs it to the portal.
 * `fake.completeCheckout(id)` plays the customer paying (payment mode) or saving a card
 * (setup mode) on the hosted page; `fake.checkoutCompletedEvent(id)` is then the event Stripe
 * would send. A browser can also open the session's `url`: a tiny page with "Pay" (completes
 * the session, then redirects to success_url) and "Cancel" (to cancel_url).
 */

/** One request as the fake received it. */
export interface TFakeRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** Form body (POST) or query (GET), parsed into nested objects/arrays (`a[b][0]=x`). */
  params: Record<string, unknown>;
  idempotencyKey: string | null;
  /** The API key from the Authorization header (which provider's key was used). */
  apiKey: string | null;
  /** The HTTP status answered. */
  status: number;
}

export interface TFakeCard {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
}

export const VISA_4242: TFakeCard = { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 };

type TObj = Record<string, unknown> & { id: string };

export interface TDecline {
  code?: string;
  declineCode?: string;
  message?: string;
}

export interface TFakeStripe {
  /** Base URL for PAYMENT_GATEWAY_API_URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: TFakeRequest[];
  /** Stored objects by id (checkout sessions, payment intents, charges, setup intents, payment methods, customers, refunds). */
  readonly objects: Map<string, TObj>;
  /** Requests to one path (prefix match), optionally of one method. */
  requestsTo(pathPrefix: string, method?: string): TFakeRequest[];
  /** The next `n` off-session payment intents (POST /v1/payment_intents) are declined. */
  declineNext(n: number, decline?: TDecline): void;
  /** The next `n` off-session payment intents stay `processing` (settled later by a webhook). */
  processNext(n: number): void;
  /** `payment_intent.payment_failed` for a stored payment intent, which becomes failed with `message`. */
  paymentIntentFailedEvent(paymentIntentId: string, message: string): TStripeEvent;
  /** A refund made in the Stripe dashboard: the charge's amount_refunded grows; returns `charge.refunded`. */
  dashboardRefundEvent(paymentIntentId: string, amountMinor: number): TStripeEvent;
  /** Off-session charges to this payment method are always declined (until `reset`). */
  alwaysDecline(paymentMethodId: string, decline?: TDecline): void;
  /** Status the next refunds get (default `succeeded`). */
  setRefundStatus(status: 'succeeded' | 'pending' | 'failed'): void;
  /**
   * The customer finishes the hosted checkout: payment mode creates a succeeded payment
   * intent and charge with `card`; setup mode a succeeded setup intent and a payment method
   * attached to the session's customer. Idempotent. Returns the completed session object.
   */
  completeCheckout(sessionId: string, opts?: { card?: TFakeCard; amountTotal?: number }): TObj;
  /** A card attached to a customer directly (as if saved earlier). Returns the payment method. */
  addPaymentMethod(customerId: string, card?: TFakeCard): TObj;
  /** A Stripe event object around a copy of `object` (a fresh `evt_` id unless given). */
  event(type: string, object: Record<string, unknown>, opts?: { id?: string; created?: number }): TStripeEvent;
  /** `checkout.session.completed` for a completed session (call `completeCheckout` first). */
  checkoutCompletedEvent(sessionId: string): TStripeEvent;
  /** `payment_intent.succeeded` for a stored payment intent. */
  paymentIntentSucceededEvent(paymentIntentId: string): TStripeEvent;
  /** The raw body and `Stripe-Signature` header for an event (timestamp in seconds, default now). */
  sign(event: TStripeEvent, secret: string, opts?: { timestamp?: number }): { body: string; header: string };
  /**
   * Signs and POSTs an event to the portal's webhook URL. `header` replaces the signature
   * (for bad-signature tests); `body` replaces the signed body (tampering).
   */
  sendWebhook(url: string, event: TStripeEvent, secret: string, opts?: { timestamp?: number; header?: string; body?: string }): Promise<{ status: number; text: string }>;
  /** Forgets knobs (declines, refund status); keeps objects and requests. */
  reset(): void;
  stop(): Promise<void>;
}

export interface TStripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: Record<string, unknown> };
}

const signer = new Stripe('sk_test_fake_signer_only', { telemetry: false });

/** Parses Stripe's form encoding (`a[b][0][c]=v`) into nested objects; all-digit keys make arrays. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) {
      root[rawKey] = value;
      continue;
    }
    const keys = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: Record<string, unknown> = root;
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      const key = k === '' ? String(Object.keys(node).length) : k;
      if (last) node[key] = value;
      else node = (node[key] ??= {}) as Record<string, unknown>;
    });
  }
  return arrayify(root) as Record<string, unknown>;
}

function arrayify(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  const fixed = Object.fromEntries(keys.map((k) => [k, arrayify(o[k])]));
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => fixed[k]);
  return fixed;
}

const newId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
const nowSec = () => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => structuredClone(v);

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String((body.error as { message?: string })?.message ?? 'error'));
  }
}
const invalid = (message: string, param?: string, status = 400) =>
  new StripeHttpError(status, { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } });
const missing = (kind: string, id: string) => invalid(`No such ${kind}: '${id}'`, 'id', 404);

/** Starts the fake on 127.0.0.1, port 0. */
export async function startFakeStripe(): Promise<TFakeStripe> {
  const requests: TFakeRequest[] = [];
  const objects = new Map<string, TObj>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let declines: TDecline[] = [];
  let processing = 0;
  const declinedMethods = new Map<string, TDecline>();
  let refundStatus: 'succeeded' | 'pending' | 'failed' = 'succeeded';
  let base = '';

  const get = (id: string, kind: string): TObj => {
    const o = objects.get(id);
    if (!o) throw missing(kind, id);
    return o;
  };
  const put = (o: TObj): TObj => {
    objects.set(o.id, o);
    return o;
  };
  const expanded = (o: TObj, expand: unknown): TObj => {
    const list = Array.isArray(expand) ? (expand as string[]) : [];
    const out = clone(o);
    for (const field of list) {
      const ref = out[field];
      if (typeof ref === 'string' && objects.has(ref)) out[field] = clone(objects.get(ref)!);
    }
    return out;
  };

  const chargeFor = (pi: TObj, card: TFakeCard, paymentMethodId: string | null): TObj =>
    put({
      id: newId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_refunded: 0,
      currency: pi.currency,
      paid: true,
      status: 'succeeded',
      payment_intent: pi.id,
      payment_method: paymentMethodId,
      payment_method_details: { type: 'card', card: { ...card, funding: 'credit', country: 'US' } },
      created: nowSec(),
    });

  const paymentMethodFor = (customer: string | null, card: TFakeCard): TObj =>
    put({ id: newId('pm'), object: 'payment_method', type: 'card', card: { ...card, funding: 'credit', country: 'US' }, customer, created: nowSec(), metadata: {} });

  function createCheckout(p: Record<string, unknown>): TObj {
    const mode = p.mode as string;
    if (mode !== 'payment' && mode !== 'setup') throw invalid('Invalid mode', 'mode');
    if (typeof p.success_url !== 'string' || typeof p.cancel_url !== 'string') throw invalid('success_url and cancel_url are required');
    const id = newId('cs');
    const items = (p.line_items as Array<Record<string, unknown>> | undefined) ?? [];
    let amount: number | null = null;
    let currency = (p.currency as string | undefined) ?? null;
    if (mode === 'payment') {
      if (items.length === 0) throw invalid('line_items is required in payment mode', 'line_items');
      amount = 0;
      for (const it of items) {
        const pd = it.price_data as Record<string, unknown> | undefined;
        const unit = Number(pd?.unit_amount);
        const qty = Number(it.quantity ?? 1);
        if (!Number.isInteger(unit) || unit < 1) throw invalid('Invalid unit_amount', 'line_items[0][price_data][unit_amount]');
        amount += unit * qty;
        currency = String(pd?.currency);
      }
    } else if (typeof p.customer !== 'string' || !objects.has(p.customer)) {
      throw missing('customer', String(p.customer));
    }
    return put({
      id,
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: mode === 'payment' ? 'unpaid' : 'no_payment_required',
      amount_total: amount,
      amount_subtotal: amount,
      currency,
      customer: (p.customer as string | undefined) ?? null,
      customer_email: (p.customer_email as string | undefined) ?? null,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      payment_intent: null,
      setup_intent: null,
      success_url: p.success_url,
      cancel_url: p.cancel_url,
      url: `${base}/pay/${id}`,
      line_items_for_fake: items,
      payment_intent_data_for_fake: p.payment_intent_data ?? null,
      created: nowSec(),
      expires_at: nowSec() + 24 * 3600,
    });
  }

  function completeCheckout(sessionId: string, opts: { card?: TFakeCard; amountTotal?: number } = {}): TObj {
    const s = get(sessionId, 'checkout.session');
    if (s.status === 'complete') return clone(s);
    if (s.status !== 'open') throw new Error(`checkout session ${sessionId} is ${String(s.status)}`);
    const card = opts.card ?? VISA_4242;
    if (s.mode === 'payment') {
      const pid = (s.payment_intent_data_for_fake ?? {}) as Record<string, unknown>;
      const pi = put({
        id: newId('pi'),
        object: 'payment_intent',
        amount: opts.amountTotal ?? s.amount_total,
        amount_received: opts.amountTotal ?? s.amount_total,
        currency: s.currency,
        status: 'succeeded',
        customer: s.customer,
        description: pid.description ?? null,
        metadata: (pid.metadata as Record<string, string> | undefined) ?? {},
        latest_charge: null,
        payment_method: null,
        created: nowSec(),
      });
      const pm = paymentMethodFor(null, card);
      pi.payment_method = pm.id;
      pi.latest_charge = chargeFor(pi, card, pm.id).id;
      Object.assign(s, { status: 'complete', payment_status: 'paid', payment_intent: pi.id, amount_total: pi.amount });
    } else {
      const pm = paymentMethodFor(s.customer as string, card);
      const si = put({
        id: newId('seti'),
        object: 'setup_intent',
        status: 'succeeded',
        usage: 'off_session',
        customer: s.customer,
        payment_method: pm.id,
        metadata: s.metadata,
        created: nowSec(),
      });
      Object.assign(s, { status: 'complete', setup_intent: si.id });
    }
    return clone(s);
  }

  function declineError(pi: TObj, d: TDecline): StripeHttpError {
    const message = d.message ?? 'Your card was declined.';
    const code = d.code ?? 'card_declined';
    const declineCode = d.declineCode ?? 'generic_decline';
    Object.assign(pi, { status: 'requires_payment_method', last_payment_error: { type: 'card_error', code, decline_code: declineCode, message } });
    return new StripeHttpError(402, {
      error: { type: 'card_error', code, decline_code: declineCode, message, payment_intent: clone(pi), charge: pi.latest_charge ?? undefined },
    });
  }

  function createPaymentIntent(p: Record<string, unknown>): TObj {
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount < 1) throw invalid('Invalid amount', 'amount');
    const customer = typeof p.customer === 'string' ? p.customer : null;
    const pmId = typeof p.payment_method === 'string' ? p.payment_method : null;
    if (customer) get(customer, 'customer');
    const pm = pmId ? get(pmId, 'payment_method') : null;
    if (pm && pm.customer !== customer) throw invalid(`The payment method ${pmId} does not belong to the customer.`, 'payment_method');
    const pi = put({
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: String(p.currency),
      status: 'requires_payment_method',
      customer,
      payment_method: pmId,
      description: p.description ?? null,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      latest_charge: null,
      last_payment_error: null,
      created: nowSec(),
    });
    if (p.confirm !== 'true' || !pm) return expanded(pi, p.expand);
    const decline = declinedMethods.get(pm.id) ?? declines.shift();
    if (decline) throw declineError(pi, decline);
    if (processing > 0) {
      processing--;
      pi.status = 'processing';
      return expanded(pi, p.expand);
    }
    pi.latest_charge = chargeFor(pi, pm.card as TFakeCard, pm.id).id;
    Object.assign(pi, { status: 'succeeded', amount_received: amount });
    return expanded(pi, p.expand);
  }

  function createRefund(p: Record<string, unknown>): TObj {
    const pi = get(String(p.payment_intent), 'payment_intent');
    if (pi.status !== 'succeeded' || typeof pi.latest_charge !== 'string') throw invalid('This PaymentIntent has no successful charge to refund.', 'payment_intent');
    const charge = get(pi.latest_charge, 'charge');
    const left = Number(charge.amount) - Number(charge.amount_refunded);
    const amount = p.amount === undefined ? left : Number(p.amount);
    if (!Number.isInteger(amount) || amount < 1) throw invalid('Invalid amount', 'amount');
    if (amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount');
    const status = refundStatus;
    if (status !== 'failed') charge.amount_refunded = Number(charge.amount_refunded) + amount;
    return put({
      id: newId('re'),
      object: 'refund',
      amount,
      currency: pi.currency,
      charge: charge.id,
      payment_intent: pi.id,
      status,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      created: nowSec(),
    });
  }

  function route(method: string, path: string, p: Record<string, unknown>): unknown {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/checkout/sessions') return publicSession(createCheckout(p));
    if (method === 'GET' && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) return publicSession(expanded(get(m[1]!, 'checkout.session'), p.expand));
    if (method === 'GET' && (m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) return expanded(get(m[1]!, 'payment_intent'), p.expand);
    if (method === 'POST' && path === '/v1/payment_intents') return createPaymentIntent(p);
    if (method === 'GET' && (m = /^\/v1\/setup_intents\/([^/]+)$/.exec(path))) return expanded(get(m[1]!, 'setup_intent'), p.expand);
    if (method === 'GET' && (m = /^\/v1\/payment_methods\/([^/]+)$/.exec(path))) return clone(get(m[1]!, 'payment_method'));
    if (method === 'POST' && (m = /^\/v1\/payment_methods\/([^/]+)\/detach$/.exec(path))) {
      const pm = get(m[1]!, 'payment_method');
      if (!pm.customer) throw invalid(`The payment method ${pm.id} is not attached to a customer.`);
      pm.customer = null;
      return clone(pm);
    }
    if (method === 'POST' && path === '/v1/customers') {
      return clone(put({ id: newId('cus'), object: 'customer', name: p.name ?? null, email: p.email ?? null, metadata: p.metadata ?? {}, created: nowSec() }));
    }
    if (method === 'POST' && path === '/v1/refunds') return clone(createRefund(p));
    throw invalid(`Unrecognized request URL (${method}: ${path}).`, undefined, 404);
  }

  /** Internal bookkeeping fields are not part of Stripe's object. */
  const publicSession = (s: TObj): TObj => {
    const { line_items_for_fake: _l, payment_intent_data_for_fake: _p, ...rest } = s;
    return rest as TObj;
  };

  function checkoutPage(res: ServerResponse, id: string): void {
    const s = objects.get(id);
    if (!s || s.object !== 'checkout.session') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('No such checkout session');
      return;
    }
    const amount = s.amount_total == null ? '' : `${(Number(s.amount_total) / 100).toFixed(2)} ${String(s.currency).toUpperCase()}`;
    const esc = (v: string) => v.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body><h1>Fake Stripe Checkout</h1>` +
        `<p id="amount">${esc(amount)}</p><form method="post" action="/pay/${esc(id)}/complete"><button type="submit">${s.mode === 'setup' ? 'Save card' : 'Pay'}</button></form>` +
        `<a href="${esc(String(s.cancel_url))}">Cancel</a></body></html>`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/pay\/([^/]+)$/.exec(url.pathname))) return checkoutPage(res, m[1]!);
    if (method === 'POST' && (m = /^\/pay\/([^/]+)\/complete$/.exec(url.pathname))) {
      try {
        const s = completeCheckout(m[1]!);
        res.writeHead(303, { location: String(s.success_url).replace('{CHECKOUT_SESSION_ID}', s.id) }).end();
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      }
      return;
    }
    const params = parseStripeForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : Buffer.concat(chunks).toString('utf8'));
    const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const auth = req.headers.authorization ?? '';
    const apiKey = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const record = (status: number) => requests.push({ method, path: url.pathname, params, idempotencyKey, apiKey, status });
    const answer = (status: number, body: unknown, replay = false) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), ...(replay ? { 'idempotent-replayed': 'true' } : {}) });
      res.end(JSON.stringify(body));
    };
    if (!apiKey) return answer(401, { error: { type: 'invalid_request_error', message: 'You did not provide an API key.' } });

    const fingerprint = `${method} ${url.pathname} ${JSON.stringify(params)}`;
    if (method === 'POST' && idempotencyKey) {
      const seen = idempotent.get(`${apiKey} ${idempotencyKey}`);
      if (seen && seen.fingerprint !== fingerprint) {
        return answer(400, {
          error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with.` },
        });
      }
      if (seen) return answer(seen.status, seen.body, true);
    }
    let status = 200;
    let body: unknown;
    try {
      body = route(method, url.pathname, params);
    } catch (err) {
      if (!(err instanceof StripeHttpError)) throw err;
      status = err.status;
      body = err.body;
    }
    if (method === 'POST' && idempotencyKey) idempotent.set(`${apiKey} ${idempotencyKey}`, { fingerprint, status, body });
    answer(status, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const makeEvent = (type: string, object: Record<string, unknown>, opts: { id?: string; created?: number } = {}): TStripeEvent => ({
    id: opts.id ?? newId('evt'),
    object: 'event',
    api_version: '2026-10-28.endive',
    created: opts.created ?? nowSec(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: clone(object) },
  });

  const sign = (event: TStripeEvent, secret: string, opts: { timestamp?: number } = {}) => {
    const body = JSON.stringify(event, null, 2);
    const header = signer.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: opts.timestamp ?? nowSec() });
    return { body, header };
  };

  return {
    url: base,
    requests,
    objects,
    requestsTo: (prefix, method) => requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method)),
    dashboardRefundEvent(paymentIntentId, amountMinor) {
      const pi = get(paymentIntentId, 'payment_intent');
      const charge = get(String(pi.latest_charge), 'charge');
      charge.amount_refunded = Number(charge.amount_refunded) + amountMinor;
      charge.refunded = charge.amount_refunded === charge.amount;
      return makeEvent('charge.refunded', charge);
    },
    processNext(n) {
      processing += n;
    },
    paymentIntentFailedEvent(paymentIntentId, message) {
      const pi = get(paymentIntentId, 'payment_intent');
      Object.assign(pi, { status: 'requires_payment_method', last_payment_error: { type: 'card_error', code: 'card_declined', message } });
      return makeEvent('payment_intent.payment_failed', pi);
    },
    declineNext(n, decline = {}) {
      for (let i = 0; i < n; i++) declines.push(decline);
    },
    alwaysDecline(paymentMethodId, decline = {}) {
      declinedMethods.set(paymentMethodId, decline);
    },
    setRefundStatus(status) {
      refundStatus = status;
    },
    completeCheckout: (id, opts) => publicSession(completeCheckout(id, opts)),
    addPaymentMethod(customerId, card = VISA_4242) {
      get(customerId, 'customer');
      return clone(paymentMethodFor(customerId, card));
    },
    event: makeEvent,
    checkoutCompletedEvent(sessionId) {
      const s = get(sessionId, 'checkout.session');
      if (s.status !== 'complete') throw new Error(`checkout session ${sessionId} is not complete; call completeCheckout first`);
      return makeEvent('checkout.session.completed', publicSession(s));
    },
    paymentIntentSucceededEvent(paymentIntentId) {
      return makeEvent('payment_intent.succeeded', get(paymentIntentId, 'payment_intent'));
    },
    sign,
    async sendWebhook(url, event, secret, opts = {}) {
      const signed = sign(event, secret, opts);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': opts.header ?? signed.header, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        body: opts.body ?? signed.body,
      });
      return { status: res.status, text: await res.text() };
    },
    reset() {
      declines = [];
      processing = 0;
      declinedMethods.clear();
      refundStatus = 'succeeded';
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
