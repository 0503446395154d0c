import { eq } from 'drizzle-orm';
import type { TInvoice } from '../../db/schema/finance';
import { checkoutSessions } from '../../db/schema/payments';
import { contacts } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requirePayingContact } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { loadInvoice, providerOf } from '../finance/access';
import { formatMoney, invoiceLabel } from '../finance/money';
import { cardPaymentOptions, gatewayFor } from './gateway-config';
import { ZPayOptionsInput, ZStartCardPaymentInput } from './schemas';

/*
 * "Pay Now" (seed 004 §14): a hosted Stripe Checkout in payment mode for one invoice. The
 * amount is decided here from the invoice, never taken from the page as is; no card number
 * reaches the portal; the money is recorded only when the signed webhook confirms it.
 */

/** Our ids on the gateway's objects, so the webhook finds the checkout it is about. */
/** Opening checkouts is throttled per user: each one costs a call to the gateway's API. */
export async function requireCheckoutAllowance(ctx: ServiceContext): Promise<void> {
  const userId = ctx.actor.kind === 'contact' || ctx.actor.kind === 'staff' ? ctx.actor.userId : 0;
  if (!await ctx.rateLimits.checkoutsPerUser.consume(String(userId), ctx.clock.now())) {
    throw new AppError('RATE_LIMITED', 'Too many payment pages were opened. Wait a few minutes and try again.');
  }
}

export const CHECKOUT_METADATA = { checkoutId: 'portico_checkout_id', invoiceId: 'portico_invoice_id', providerId: 'portico_provider_id' } as const;

/** Gateways refuse tiny charges (Stripe: 0.50 in most currencies); a partial payment is at least this. */
const MIN_PARTIAL_MINOR = 50;

const payable = (inv: TInvoice) => (inv.status === 'sent' || inv.status === 'partial') && inv.totalMinor - inv.paidMinor > 0;

export type TPayOptions = {
  /** Pay Now is offered: card payments on, a contact who may pay, a balance due. */
  canPay: boolean;
  /** The provider takes card payments in the portal at all. */
  onlinePayment: boolean;
  /** The invoice is issued and has a balance due (so the page says how to pay it). */
  payable: boolean;
  /** The provider's "Payment instructions", or null when it has none. */
  instructions: string | null;
  allowPartial: boolean;
  balanceMinor: number;
  currency: string;
  minPartialMinor: number;
};

/**
 * What the invoice page needs to say how to pay: Pay Now only to contacts who may pay, with a
 * gateway, with a balance; otherwise plainly that online payment is not offered, and the
 * provider's payment instructions.
 */
export async function payOptions(ctx: ServiceContext, input: unknown): Promise<TPayOptions> {
  const { invoiceId } = ZPayOptionsInput.parse(input);
  const actor = ctx.actor;
  const none = { canPay: false, onlinePayment: false, payable: false, instructions: null, allowPartial: false, balanceMinor: 0, currency: 'USD', minPartialMinor: MIN_PARTIAL_MINOR };
  if (actor.kind !== 'contact') return none;
  let scope;
  try {
    scope = requirePayingContact(actor);
  } catch {
    return none;
  }
  const inv = await loadInvoice(ctx.db, scope, invoiceId);
  const opts = await cardPaymentOptions(ctx.db, inv.providerId);
  const provider = await providerOf(ctx.db, inv.providerId);
  return {
    canPay: opts.enabled && payable(inv),
    onlinePayment: opts.enabled,
    payable: payable(inv),
    instructions: provider.paymentInstructions,
    allowPartial: opts.allowPartial,
    balanceMinor: inv.totalMinor - inv.paidMinor,
    currency: inv.currency,
    minPartialMinor: MIN_PARTIAL_MINOR,
  };
}

/**
 * Starts a card payment: records our checkout row first (its id goes into the gateway's
 * metadata), creates the hosted checkout, and returns its URL for the browser to open.
 */
export async function startCardPayment(ctx: ServiceContext, input: unknown, ip: string | null): Promise<{ url: string }> {
  const scope = requirePayingContact(ctx.actor);
  const data = ZStartCardPaymentInput.parse(input);
  await requireCheckoutAllowance(ctx);
  const inv = await loadInvoice(ctx.db, scope, data.invoiceId);
  const gateway = await gatewayFor(ctx, inv.providerId);
  if (!gateway) throw new AppError('CONFLICT', 'Card payments are not available. Please pay by another method shown on the invoice.');
  if (!payable(inv)) throw new AppError('CONFLICT', `${invoiceLabel(inv.number)} has nothing left to pay.`);
  const balance = inv.totalMinor - inv.paidMinor;
  const amountMinor = data.amountMinor ?? balance;
  const label = invoiceLabel(inv.number);
  if (amountMinor > balance) {
    throw new AppError('BAD_INPUT', `The amount is more than the balance of ${label} (${formatMoney(balance, inv.currency, 'en-US')}).`, { field: 'amountMinor' });
  }
  if (amountMinor < balance) {
    if (!(await cardPaymentOptions(ctx.db, inv.providerId)).allowPartial) {
      throw new AppError('BAD_INPUT', `Pay the full balance of ${label} (${formatMoney(balance, inv.currency, 'en-US')}).`, { field: 'amountMinor' });
    }
    if (amountMinor < MIN_PARTIAL_MINOR) {
      throw new AppError('BAD_INPUT', `Pay at least ${formatMoney(MIN_PARTIAL_MINOR, inv.currency, 'en-US')}.`, { field: 'amountMinor' });
    }
  }

  const now = ctx.clock.now();
  const contact = scope.contact;
  // The real session id is filled in once the gateway answers; until then the row is a placeholder.
  const row = await unitOfWork(ctx, async (tx) =>
    (await tx
      .insert(checkoutSessions)
      .values({
        providerId: inv.providerId,
        companyId: inv.companyId,
        contactId: contact.contactId,
        mode: 'payment',
        invoiceId: inv.id,
        amountMinor,
        currency: inv.currency,
        gatewaySessionId: `pending:${crypto.randomUUID()}`,
        status: 'open',
        createdAt: now,
      })
      .returning())[0]!,
  );
  const back = new URL(`/finance/invoices/${inv.id}`, ctx.settings.publicUrl);
  const metadata = { [CHECKOUT_METADATA.checkoutId]: String(row.id), [CHECKOUT_METADATA.invoiceId]: String(inv.id), [CHECKOUT_METADATA.providerId]: String(inv.providerId) };
  let session: { id: string; url: string };
  try {
    session = await gateway.createCheckout({
      mode: 'payment',
      amountMinor,
      currency: inv.currency,
      description: `Invoice ${label}`,
      customerEmail: await contactEmail(ctx, contact.contactId),
      metadata,
      successUrl: `${back.href}?payment=success`,
      cancelUrl: `${back.href}?payment=cancelled`,
      idempotencyKey: `portico-checkout-${inv.providerId}-${row.id}`,
    });
  } catch (err) {
    ctx.log.error({ err, invoiceId: inv.id }, 'creating the card checkout failed');
    (await ctx.db.update(checkoutSessions).set({ status: 'expired' }).where(eq(checkoutSessions.id, row.id)));
    throw new AppError('TEMPORARY', 'The card payment page could not be opened. Please try again in a moment.');
  }
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(checkoutSessions).set({ gatewaySessionId: session.id }).where(eq(checkoutSessions.id, row.id)));
    await recordAudit(tx, now, {
      kind: 'checkout_started',
      providerId: inv.providerId,
      userId: contact.userId,
      ip,
      detail: { invoice: label, amountMinor, currency: inv.currency, checkoutSession: session.id },
    });
  });
  return { url: session.url };
}

async function contactEmail(ctx: ServiceContext, contactId: number): Promise<string | null> {
  return (await ctx.db.select({ email: contacts.email }).from(contacts).where(eq(contacts.id, contactId)))[0]?.email ?? null;
}
