import { flag, id, index, int, table, text, timestamp, uniqueIndex } from './dialect';
import { invoices, payments } from './finance';
import { companies, contacts, providers, staffMembers } from './people';

/*
 * Card payments through a gateway (Stripe). Money state changes only from signed webhooks
 * and staff refunds; everything here is keyed by the gateway's own ids so a retried call
 * or a replayed event is applied once.
 */

/** One gateway per provider: its keys, secrets sealed with SECRET_KEY (core/secret-box). */
export const paymentGateways = table('payment_gateways', {
  providerId: int('provider_id').primaryKey().references(() => providers.id),
  kind: text('kind', { enum: ['stripe'] }).notNull().default('stripe'),
  publishableKey: text('publishable_key').notNull(),
  sealedSecretKey: text('sealed_secret_key').notNull(),
  sealedWebhookSecret: text('sealed_webhook_secret').notNull(),
  /** Whether contacts may pay less than the open balance of an invoice. */
  allowPartial: flag('allow_partial').notNull().default(false),
  enabled: flag('enabled').notNull().default(true),
  updatedByStaffId: int('updated_by_staff_id').references(() => staffMembers.id),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});

/** Every webhook event applied, by the gateway's event id: a replay or duplicate is a no-op. */
export const gatewayEvents = table('gateway_events', {
  id: text('id').primaryKey(),
  providerId: int('provider_id').notNull().references(() => providers.id),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at').notNull(),
});

export const CHECKOUT_MODES = ['payment', 'setup'] as const;
export const CHECKOUT_STATUSES = ['open', 'complete', 'expired'] as const;

/** A hosted checkout we created: what it was for, so the webhook never trusts amounts from outside. */
export const checkoutSessions = table(
  'checkout_sessions',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    companyId: int('company_id').notNull().references(() => companies.id),
    contactId: int('contact_id').references(() => contacts.id),
    mode: text('mode', { enum: CHECKOUT_MODES }).notNull(),
    /** Set in payment mode. */
    invoiceId: int('invoice_id').references(() => invoices.id),
    amountMinor: int('amount_minor'),
    currency: text('currency'),
    gatewaySessionId: text('gateway_session_id').notNull().unique(),
    status: text('status', { enum: CHECKOUT_STATUSES }).notNull().default('open'),
    createdAt: timestamp('created_at').notNull(),
    completedAt: timestamp('completed_at'),
  },
  (t) => [index('checkout_sessions_invoice').on(t.invoiceId)],
);

/** The gateway's customer for a company (created at the first "Save Card"). */
export const gatewayCustomers = table('gateway_customers', {
  companyId: int('company_id').primaryKey().references(() => companies.id),
  providerId: int('provider_id').notNull().references(() => providers.id),
  gatewayCustomerId: text('gateway_customer_id').notNull().unique(),
  createdAt: timestamp('created_at').notNull(),
});

/** A card saved with the gateway (we keep only what is shown: brand, last 4, expiry). */
export const savedCards = table(
  'saved_cards',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    companyId: int('company_id').notNull().references(() => companies.id),
    gatewayPaymentMethodId: text('gateway_payment_method_id').notNull().unique(),
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: int('exp_month').notNull(),
    expYear: int('exp_year').notNull(),
    isDefault: flag('is_default').notNull().default(false),
    addedByContactId: int('added_by_contact_id').references(() => contacts.id),
    createdAt: timestamp('created_at').notNull(),
    removedAt: timestamp('removed_at'),
  },
  (t) => [index('saved_cards_company').on(t.companyId)],
);

export const AUTOPAY_STATUSES = ['pending', 'succeeded', 'failed', 'abandoned'] as const;

/**
 * One off-session charge attempt for an invoice issued with auto-pay. The idempotency key is
 * per invoice (not per attempt) so the gateway itself refuses a second charge.
 */
export const autopayAttempts = table(
  'autopay_attempts',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    companyId: int('company_id').notNull().references(() => companies.id),
    invoiceId: int('invoice_id').notNull().references(() => invoices.id),
    attemptNo: int('attempt_no').notNull(),
    savedCardId: int('saved_card_id').references(() => savedCards.id),
    amountMinor: int('amount_minor').notNull(),
    status: text('status', { enum: AUTOPAY_STATUSES }).notNull().default('pending'),
    gatewayPaymentIntentId: text('gateway_payment_intent_id'),
    failureMessage: text('failure_message'),
    /** When the next attempt is due after a failure (1, 3, 7 days); null when none is. */
    nextAttemptAt: timestamp('next_attempt_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('autopay_attempts_invoice_no').on(t.invoiceId, t.attemptNo), index('autopay_attempts_due').on(t.status, t.nextAttemptAt)],
);

/** A staff refund through the gateway, full or partial, of one card payment. */
export const refunds = table(
  'refunds',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    paymentId: int('payment_id').notNull().references(() => payments.id),
    amountMinor: int('amount_minor').notNull(),
    gatewayRefundId: text('gateway_refund_id').unique(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull().default('pending'),
    reason: text('reason'),
    staffId: int('staff_id').references(() => staffMembers.id),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('refunds_payment').on(t.paymentId)],
);
