import { and, eq } from 'drizzle-orm';
import { invoices, payments } from '../../db/schema/finance';
import { checkoutSessions, type CHECKOUT_MODES } from '../../db/schema/payments';
import { contacts, providers } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { system } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import { unitOfWork, type TTx } from '../core/unit-of-work';
import { applyGatewayPaymentInTx } from '../finance/payments';
import { invoiceLabel } from '../finance/money';
import { enqueueCardReceipt } from './card-receipt';
import { cardLabel } from './card-label';
import type { TCardInfo, TGatewayEvent, TPaymentGateway } from './gateway';
import { gatewayFor } from './gateway-config';
import { claimGatewayEvent, gatewayEventSeen } from './gateway-events';
import { CHECKOUT_METADATA } from './pay-now';
import { handleAutopayIntent } from './autopay';
import { handleSetupCompleted } from './saved-cards';
import { reconcileGatewayRefund } from './gateway-refunds';

/*
 * The Stripe webhook: the only way a card payment changes money state. The signature is
 * checked by the library (stale timestamps refused); each event id is applied once, in the
 * same transaction as the payment it records; amounts come from our checkout row, and the
 * event must agree with it. Transport-free: server/http/stripe-webhook-route.ts adapts it.
 */

export type TWebhookAnswer = { status: number; body: Record<string, unknown> };

type TCheckoutRow = typeof checkoutSessions.$inferSelect & { mode: (typeof CHECKOUT_MODES)[number] };

const ok = (extra: Record<string, unknown> = {}): TWebhookAnswer => ({ status: 200, body: { received: true, ...extra } });
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null);

/** The provider a webhook URL names: its identifier, or its numeric id. */
async function providerOfKey(ctx: ServiceContext, key: string) {
  const where = /^\d{1,15}$/.test(key) ? eq(providers.id, Number(key)) : eq(providers.identifier, key);
  return (await ctx.db.select({ id: providers.id, identifier: providers.identifier }).from(providers).where(where))[0] ?? null;
}

/**
 * Verifies and applies one webhook delivery. Answers 2xx for events applied, repeated, or not
 * ours to act on; 400 for a missing or bad signature (nothing changes); 404 for an unknown
 * provider or one without card payments set up.
 */
export async function handleStripeWebhook(base: ServiceContext, providerKey: string, rawBody: Buffer, signature: string | undefined): Promise<TWebhookAnswer> {
  const ctx = withActor(base, system);
  const provider = await providerOfKey(ctx, providerKey);
  const gateway = provider ? await gatewayFor(ctx, provider.id, { includeDisabled: true }) : null;
  if (!provider || !gateway) return { status: 404, body: { error: 'No card payments are set up here.' } };
  if (!signature) return { status: 400, body: { error: 'Missing Stripe-Signature header.' } };
  let event: TGatewayEvent;
  try {
    event = gateway.verifyWebhook(rawBody, signature);
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message, provider: provider.identifier }, 'stripe webhook refused: bad signature');
    return { status: 400, body: { error: 'Invalid signature.' } };
  }
  if (await gatewayEventSeen(ctx.db, event.id)) return ok({ duplicate: true });

  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return onCheckoutCompleted(ctx, gateway, provider.id, event);
    case 'payment_intent.succeeded':
      return onPaymentIntentSucceeded(ctx, gateway, provider.id, event);
    case 'payment_intent.payment_failed':
      return onPaymentIntentFailed(ctx, gateway, provider.id, event);
    case 'charge.refunded':
      return ok(await reconcileGatewayRefund(ctx, provider.id, event));
    default:
      return ok({ ignored: event.type });
  }
}

async function onCheckoutCompleted(ctx: ServiceContext, gateway: TPaymentGateway, providerId: number, event: TGatewayEvent): Promise<TWebhookAnswer> {
  const s = event.object;
  const row = (await ctx.db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.gatewaySessionId, String(s.id)), eq(checkoutSessions.providerId, providerId))))[0];
  if (!row) return ok({ ignored: 'not a checkout of this portal' });
  if (row.mode === 'setup') {
    const claim = async (tx: TTx) => await claimGatewayEvent(tx, { id: event.id, type: event.type, providerId, receivedAt: ctx.clock.now() });
    const saved = await handleSetupCompleted(ctx, gateway, { providerId, gatewaySessionId: row.gatewaySessionId, setupIntentId: str(s.setup_intent), claim });
    return ok({ cardSaved: saved !== null });
  }
  // Cards are paid at once; other methods complete unpaid and send async_payment_succeeded later.
  if (s.payment_status !== 'paid') return ok({ ignored: 'not paid yet' });
  const paymentIntentId = str(s.payment_intent);
  if (!paymentIntentId) return ok({ ignored: 'no payment intent' });
  if (!agrees(ctx, row, s.amount_total, s.currency, event)) return ok({ applied: false, reason: 'amount mismatch' });
  return applyCardPayment(ctx, gateway, event, row, paymentIntentId);
}

async function onPaymentIntentSucceeded(ctx: ServiceContext, gateway: TPaymentGateway, providerId: number, event: TGatewayEvent): Promise<TWebhookAnswer> {
  const pi = event.object;
  const metadata = (pi.metadata ?? {}) as Record<string, string>;
  // Auto-pay charges are applied when made; this settles one the gateway was still processing (else a no-op).
  if (metadata.purpose === 'autopay') {
    const attemptId = Number(metadata.autopayAttemptId);
    const r = await handleAutopayIntent(ctx, gateway, { providerId, paymentIntentId: String(pi.id), attemptId: Number.isInteger(attemptId) && attemptId > 0 ? attemptId : null, outcome: 'succeeded' });
    return ok({ autopay: r.handled });
  }
  const checkoutId = Number(metadata[CHECKOUT_METADATA.checkoutId]);
  // Only intents our Pay Now created carry our checkout id (auto-pay charges are applied when made).
  if (!Number.isInteger(checkoutId) || checkoutId <= 0) return ok({ ignored: 'not a Pay Now payment' });
  const row = (await ctx.db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.id, checkoutId), eq(checkoutSessions.providerId, providerId), eq(checkoutSessions.mode, 'payment'))))[0];
  if (!row) return ok({ ignored: 'not a checkout of this portal' });
  if (!agrees(ctx, row, pi.amount_received ?? pi.amount, pi.currency, event)) return ok({ applied: false, reason: 'amount mismatch' });
  return applyCardPayment(ctx, gateway, event, row, String(pi.id));
}

/** An auto-pay charge the gateway was still processing failed: the attempt fails and its retry is scheduled. */
async function onPaymentIntentFailed(ctx: ServiceContext, gateway: TPaymentGateway, providerId: number, event: TGatewayEvent): Promise<TWebhookAnswer> {
  const pi = event.object;
  const metadata = (pi.metadata ?? {}) as Record<string, string>;
  // A failed Pay Now checkout changes nothing here: the contact sees the failure on the gateway's page.
  if (metadata.purpose !== 'autopay') return ok({ ignored: 'not an auto-pay charge' });
  const attemptId = Number(metadata.autopayAttemptId);
  const lastError = pi.last_payment_error as { message?: unknown } | null | undefined;
  const message = typeof lastError?.message === 'string' ? lastError.message.slice(0, 300) : 'The card was declined.';
  const r = await handleAutopayIntent(ctx, gateway, {
    providerId,
    paymentIntentId: String(pi.id),
    attemptId: Number.isInteger(attemptId) && attemptId > 0 ? attemptId : null,
    outcome: 'failed',
    message,
  });
  return ok({ autopay: r.handled });
}

/** The event must confirm exactly what our checkout asked for; otherwise nothing is applied and staff are told in the log. */
function agrees(ctx: ServiceContext, row: TCheckoutRow, amount: unknown, currency: unknown, event: TGatewayEvent): boolean {
  const same = amount === row.amountMinor && typeof currency === 'string' && currency.toLowerCase() === (row.currency ?? '').toLowerCase();
  if (!same) ctx.log.error({ event: event.id, checkout: row.id, expected: [row.amountMinor, row.currency], got: [amount, currency] }, 'card payment does not match its checkout; not applied');
  return same;
}

async function applyCardPayment(ctx: ServiceContext, gateway: TPaymentGateway, event: TGatewayEvent, row: TCheckoutRow, paymentIntentId: string): Promise<TWebhookAnswer> {
  let card: TCardInfo | null = null;
  try {
    card = await gateway.cardOfPaymentIntent(paymentIntentId);
  } catch (err) {
    // The payment stands without the card's brand; it only decorates the history.
    ctx.log.warn({ err, paymentIntentId }, 'could not read the card of a payment intent');
  }
  const now = ctx.clock.now();
  const result = await unitOfWork(ctx, async (tx, emit) => {
    if (!await claimGatewayEvent(tx, { id: event.id, type: event.type, providerId: row.providerId, receivedAt: now })) return { duplicate: true as const };
    (await tx.update(checkoutSessions).set({ status: 'complete', completedAt: now }).where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.status, 'open'))));
    // checkout.session.completed and payment_intent.succeeded both name this intent: one payment.
    if ((await tx.select({ id: payments.id }).from(payments).where(eq(payments.gatewayRef, paymentIntentId)))[0]) return { alreadyApplied: true as const };
    const inv = (await tx.select().from(invoices).where(eq(invoices.id, row.invoiceId!)))[0]!;
    const received = row.amountMinor!;
    // Two checkouts paid for one balance (two tabs), or staff recorded a transfer meanwhile: apply what is owed.
    const owed = inv.status === 'sent' || inv.status === 'partial' ? inv.totalMinor - inv.paidMinor : 0;
    const applied = Math.min(received, owed);
    const payer = row.contactId ? (await tx.select({ userId: contacts.userId }).from(contacts).where(eq(contacts.id, row.contactId)))[0] : undefined;
    let paymentId: number | null = null;
    if (applied > 0) {
      const payment = await applyGatewayPaymentInTx(tx, emit, now, inv, { amountMinor: applied, gateway: gateway.kind, gatewayRef: paymentIntentId, card });
      paymentId = payment.id;
      const after = (await tx.select().from(invoices).where(eq(invoices.id, inv.id)))[0]!;
      await enqueueCardReceipt(tx, emit, now, ctx.settings, { invoice: after, payment, payerContactId: row.contactId });
    }
    await recordAudit(tx, now, {
      kind: 'card_payment_received',
      providerId: row.providerId,
      userId: payer?.userId ?? null,
      detail: {
        invoice: invoiceLabel(inv.number),
        receivedMinor: received,
        appliedMinor: applied,
        excessMinor: received - applied,
        currency: inv.currency,
        paymentIntent: paymentIntentId,
        event: event.id,
        card: card ? cardLabel(card.brand, card.last4) : null,
      },
    });
    return { paymentId, excessMinor: received - applied };
  });
  const excessMinor = 'excessMinor' in result ? (result.excessMinor ?? 0) : 0;
  if (excessMinor > 0) {
    ctx.log.error({ paymentIntentId, excessMinor, checkout: row.id }, 'card payment exceeded the invoice balance; refund the excess from the gateway');
  }
  return ok(result);
}
