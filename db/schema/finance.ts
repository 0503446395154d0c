import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, timestamp } from './columns';
import { companies, contacts, providers, staffMembers } from './people';

/*
 * Money is stored in integer minor units (cents) with the provider's currency; dates a
 * person picks (issue, due, next bill) are ISO `YYYY-MM-DD` text, free of time zones.
 */

export const INVOICE_STATUSES = ['draft', 'sent', 'partial', 'paid', 'void'] as const;
export type TInvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;
export const RECURRING_FREQUENCIES = ['monthly', 'quarterly', 'yearly'] as const;
export const PAYMENT_METHODS = ['card', 'bank_transfer', 'check', 'cash', 'other'] as const;

const documentColumns = () => ({
  id: integer('id').primaryKey({ autoIncrement: true }),
  providerId: integer('provider_id').notNull().references(() => providers.id),
  companyId: integer('company_id').notNull().references(() => companies.id),
  number: integer('number').notNull(),
  currency: text('currency').notNull(),
  subtotalMinor: integer('subtotal_minor').notNull().default(0),
  taxMinor: integer('tax_minor').notNull().default(0),
  totalMinor: integer('total_minor').notNull().default(0),
  notes: text('notes'),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});

const lineColumns = () => ({
  id: integer('id').primaryKey({ autoIncrement: true }),
  position: integer('position').notNull(),
  description: text('description').notNull(),
  /** Thousandths, so 1.5 hours is 1500. */
  quantityMilli: integer('quantity_milli').notNull(),
  unitPriceMinor: integer('unit_price_minor').notNull(),
  /** Basis points: 825 is 8.25 %. */
  taxRateBp: integer('tax_rate_bp').notNull().default(0),
  lineTotalMinor: integer('line_total_minor').notNull(),
});

export const recurringInvoices = sqliteTable(
  'recurring_invoices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    companyId: integer('company_id').notNull().references(() => companies.id),
    /** What the subscription covers ("Managed services, 25 seats"). */
    scope: text('scope').notNull(),
    frequency: text('frequency', { enum: RECURRING_FREQUENCIES }).notNull(),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    taxRateBp: integer('tax_rate_bp').notNull().default(0),
    nextBillDate: text('next_bill_date').notNull(),
    paymentTermsDays: integer('payment_terms_days').notNull().default(30),
    autoPay: flag('auto_pay').notNull().default(false),
    active: flag('active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('recurring_invoices_company').on(t.companyId), index('recurring_invoices_due').on(t.active, t.nextBillDate)],
);

export const invoices = sqliteTable(
  'invoices',
  {
    ...documentColumns(),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('draft'),
    issueDate: text('issue_date').notNull(),
    dueDate: text('due_date').notNull(),
    paymentTerms: text('payment_terms'),
    paidMinor: integer('paid_minor').notNull().default(0),
    /** Issued by a recurring invoice for one billing date: unique, so a restarted scheduler cannot bill twice. */
    recurringInvoiceId: integer('recurring_invoice_id').references(() => recurringInvoices.id),
    recurringPeriod: text('recurring_period'),
  },
  (t) => [
    uniqueIndex('invoices_provider_number').on(t.providerId, t.number),
    index('invoices_company_issue').on(t.companyId, t.issueDate),
    uniqueIndex('invoices_recurring_period').on(t.recurringInvoiceId, t.recurringPeriod),
  ],
);

export const invoiceLines = sqliteTable(
  'invoice_lines',
  { ...lineColumns(), invoiceId: integer('invoice_id').notNull().references(() => invoices.id) },
  (t) => [index('invoice_lines_invoice').on(t.invoiceId, t.position)],
);

export const payments = sqliteTable(
  'payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    companyId: integer('company_id').notNull().references(() => companies.id),
    invoiceId: integer('invoice_id').notNull().references(() => invoices.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    reference: text('reference'),
    paidOn: text('paid_on').notNull(),
    recordedByStaffId: integer('recorded_by_staff_id').references(() => staffMembers.id),
    /** The seam for a card gateway: which one, and its payment id (unique, so a webhook retried is applied once). */
    gateway: text('gateway'),
    gatewayRef: text('gateway_ref').unique(),
    /** Card payments: what the history shows ("Visa •••• 4242"). */
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    /** Sum of refunds applied to this payment. */
    refundedMinor: integer('refunded_minor').notNull().default(0),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('payments_company').on(t.companyId, t.paidOn), index('payments_invoice').on(t.invoiceId)],
);

export const quotes = sqliteTable(
  'quotes',
  {
    ...documentColumns(),
    title: text('title').notNull(),
    status: text('status', { enum: QUOTE_STATUSES }).notNull().default('draft'),
    issueDate: text('issue_date').notNull(),
    expiryDate: text('expiry_date').notNull(),
    decidedByContactId: integer('decided_by_contact_id').references(() => contacts.id),
    decidedAt: timestamp('decided_at'),
    decisionComment: text('decision_comment'),
  },
  (t) => [uniqueIndex('quotes_provider_number').on(t.providerId, t.number), index('quotes_company').on(t.companyId, t.issueDate)],
);

export const quoteLines = sqliteTable(
  'quote_lines',
  { ...lineColumns(), quoteId: integer('quote_id').notNull().references(() => quotes.id) },
  (t) => [index('quote_lines_quote').on(t.quoteId, t.position)],
);

export type TInvoice = typeof invoices.$inferSelect;
export type TQuote = typeof quotes.$inferSelect;
export type TPayment = typeof payments.$inferSelect;
export type TRecurringInvoice = typeof recurringInvoices.$inferSelect;
