import { flag, id, index, int, table, text, timestamp, uniqueIndex } from './dialect';
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
  id: id(),
  providerId: int('provider_id').notNull().references(() => providers.id),
  companyId: int('company_id').notNull().references(() => companies.id),
  number: int('number').notNull(),
  currency: text('currency').notNull(),
  subtotalMinor: int('subtotal_minor').notNull().default(0),
  taxMinor: int('tax_minor').notNull().default(0),
  totalMinor: int('total_minor').notNull().default(0),
  notes: text('notes'),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
});

const lineColumns = () => ({
  id: id(),
  position: int('position').notNull(),
  description: text('description').notNull(),
  /** Thousandths, so 1.5 hours is 1500. */
  quantityMilli: int('quantity_milli').notNull(),
  unitPriceMinor: int('unit_price_minor').notNull(),
  /** Basis points: 825 is 8.25 %. */
  taxRateBp: int('tax_rate_bp').notNull().default(0),
  lineTotalMinor: int('line_total_minor').notNull(),
});

export const recurringInvoices = table(
  'recurring_invoices',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    companyId: int('company_id').notNull().references(() => companies.id),
    /** What the subscription covers ("Managed services, 25 seats"). */
    scope: text('scope').notNull(),
    frequency: text('frequency', { enum: RECURRING_FREQUENCIES }).notNull(),
    currency: text('currency').notNull(),
    amountMinor: int('amount_minor').notNull(),
    taxRateBp: int('tax_rate_bp').notNull().default(0),
    nextBillDate: text('next_bill_date').notNull(),
    paymentTermsDays: int('payment_terms_days').notNull().default(30),
    autoPay: flag('auto_pay').notNull().default(false),
    active: flag('active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('recurring_invoices_company').on(t.companyId), index('recurring_invoices_due').on(t.active, t.nextBillDate)],
);

export const invoices = table(
  'invoices',
  {
    ...documentColumns(),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('draft'),
    issueDate: text('issue_date').notNull(),
    dueDate: text('due_date').notNull(),
    paymentTerms: text('payment_terms'),
    paidMinor: int('paid_minor').notNull().default(0),
    /** Issued by a recurring invoice for one billing date: unique, so a restarted scheduler cannot bill twice. */
    recurringInvoiceId: int('recurring_invoice_id').references(() => recurringInvoices.id),
    recurringPeriod: text('recurring_period'),
  },
  (t) => [
    uniqueIndex('invoices_provider_number').on(t.providerId, t.number),
    index('invoices_company_issue').on(t.companyId, t.issueDate),
    uniqueIndex('invoices_recurring_period').on(t.recurringInvoiceId, t.recurringPeriod),
  ],
);

export const invoiceLines = table(
  'invoice_lines',
  { ...lineColumns(), invoiceId: int('invoice_id').notNull().references(() => invoices.id) },
  (t) => [index('invoice_lines_invoice').on(t.invoiceId, t.position)],
);

export const payments = table(
  'payments',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    companyId: int('company_id').notNull().references(() => companies.id),
    invoiceId: int('invoice_id').notNull().references(() => invoices.id),
    amountMinor: int('amount_minor').notNull(),
    currency: text('currency').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    reference: text('reference'),
    paidOn: text('paid_on').notNull(),
    recordedByStaffId: int('recorded_by_staff_id').references(() => staffMembers.id),
    /** The seam for a card gateway: which one, and its payment id (unique, so a webhook retried is applied once). */
    gateway: text('gateway'),
    gatewayRef: text('gateway_ref').unique(),
    /** Card payments: what the history shows ("Visa •••• 4242"). */
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    /** Sum of refunds applied to this payment. */
    refundedMinor: int('refunded_minor').notNull().default(0),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('payments_company').on(t.companyId, t.paidOn), index('payments_invoice').on(t.invoiceId)],
);

export const quotes = table(
  'quotes',
  {
    ...documentColumns(),
    title: text('title').notNull(),
    status: text('status', { enum: QUOTE_STATUSES }).notNull().default('draft'),
    issueDate: text('issue_date').notNull(),
    expiryDate: text('expiry_date').notNull(),
    decidedByContactId: int('decided_by_contact_id').references(() => contacts.id),
    decidedAt: timestamp('decided_at'),
    decisionComment: text('decision_comment'),
  },
  (t) => [uniqueIndex('quotes_provider_number').on(t.providerId, t.number), index('quotes_company').on(t.companyId, t.issueDate)],
);

export const quoteLines = table(
  'quote_lines',
  { ...lineColumns(), quoteId: int('quote_id').notNull().references(() => quotes.id) },
  (t) => [index('quote_lines_quote').on(t.quoteId, t.position)],
);

export type TInvoice = typeof invoices.$inferSelect;
export type TQuote = typeof quotes.$inferSelect;
export type TPayment = typeof payments.$inferSelect;
export type TRecurringInvoice = typeof recurringInvoices.$inferSelect;
