import { z } from 'zod';
import { PAYMENT_METHODS, RECURRING_FREQUENCIES } from '../../db/schema/finance';
import { isValidIsoDay } from './money';

const id = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);
const day = (what: string) =>
  z.string(`Enter the ${what}.`).trim().refine(isValidIsoDay, `Enter the ${what} as a date (YYYY-MM-DD).`);
const text = (what: string, max: number) =>
  z.string(`The ${what} must be text.`).trim().max(max, `Keep the ${what} under ${max.toLocaleString('en-US')} characters.`);
/** Up to 100 million in major units: far beyond any real invoice, well inside exact integers. */
const MAX_MINOR = 10_000_000_000;
const minor = (what: string) => z.number(`Enter the ${what}.`).int(`Enter the ${what} in cents.`);
const taxRateBp = z
  .number('Enter the tax rate.')
  .int('Enter the tax rate in basis points (825 is 8.25 %).')
  .min(0, 'The tax rate cannot be negative.')
  .max(10_000, 'The tax rate cannot be above 100 %.');

export const ZInvoiceId = z.object({ invoiceId: id('an invoice') });
export const ZQuoteId = z.object({ quoteId: id('a quote') });
export const ZRecurringId = z.object({ recurringId: id('a recurring invoice') });

export const ZLine = z.object({
  description: text('description', 500).min(1, 'Describe the line item.'),
  quantityMilli: z
    .number('Enter the quantity.')
    .int('Enter the quantity in thousandths (1.5 is 1500).')
    .min(1, 'The quantity must be more than 0.')
    .max(1_000_000_000, 'The quantity is too large.'),
  /** Negative for a discount or credit line. */
  unitPriceMinor: minor('unit price').min(-MAX_MINOR, 'The unit price is too large.').max(MAX_MINOR, 'The unit price is too large.'),
  taxRateBp: taxRateBp.default(0),
});
export type TLineInput = z.input<typeof ZLine>;
export type TLine = z.output<typeof ZLine>;
const lines = z.array(ZLine, 'Add line items.').max(200, 'Use at most 200 line items.');

/** Optional company filter for staff lists (contacts are always their own company). */
const companyFilter = z.object({ companyId: id('a company').optional() });

export const INVOICE_FILTERS = ['all', 'unpaid', 'partial', 'paid', 'overdue', 'draft', 'void'] as const;
export const ZListInvoicesInput = companyFilter.extend({
  status: z.enum(INVOICE_FILTERS, 'Choose a valid status filter.').default('all'),
});
export type TListInvoicesInput = z.input<typeof ZListInvoicesInput>;
export const ZCompanyFilter = companyFilter.optional();

const invoiceFields = {
  issueDate: day('issue date'),
  dueDate: day('due date'),
  paymentTerms: text('payment terms', 200).optional(),
  notes: text('notes', 5000).optional(),
  lines,
};
const dueAfterIssue = { message: 'The due date cannot be before the issue date.', path: ['dueDate'] };
export const ZCreateInvoiceInput = z
  .object({ companyId: id('a company'), ...invoiceFields })
  .refine((d) => d.dueDate >= d.issueDate, dueAfterIssue);
export type TCreateInvoiceInput = z.input<typeof ZCreateInvoiceInput>;
export const ZUpdateInvoiceInput = z.object({ invoiceId: id('an invoice'), ...invoiceFields }).refine((d) => d.dueDate >= d.issueDate, dueAfterIssue);
export type TUpdateInvoiceInput = z.input<typeof ZUpdateInvoiceInput>;

export const ZRecordPaymentInput = z.object({
  invoiceId: id('an invoice'),
  amountMinor: minor('amount').min(1, 'The amount must be more than 0.').max(MAX_MINOR, 'The amount is too large.'),
  method: z.enum(PAYMENT_METHODS, 'Choose a payment method.'),
  reference: text('reference', 200).optional(),
  /** Defaults to today. */
  paidOn: day('payment date').optional(),
});
export type TRecordPaymentInput = z.input<typeof ZRecordPaymentInput>;

export const ZGatewayPaymentInput = z.object({
  invoiceId: id('an invoice'),
  amountMinor: minor('amount').min(1, 'The amount must be more than 0.').max(MAX_MINOR, 'The amount is too large.'),
  gateway: z.string('Name the gateway.').trim().min(1, 'Name the gateway.').max(40, 'The gateway name is too long.'),
  gatewayRef: z.string('Give the gateway payment id.').trim().min(1, 'Give the gateway payment id.').max(200, 'The gateway payment id is too long.'),
  /** The card charged, for "Visa •••• 4242" in the history. */
  card: z.object({ brand: z.string().trim().min(1).max(40), last4: z.string().regex(/^[0-9?]{4}$/) }).nullish(),
});
export type TGatewayPaymentInput = z.input<typeof ZGatewayPaymentInput>;

const quoteFields = {
  title: text('title', 200).min(1, 'Give the quote a title.'),
  issueDate: day('issue date'),
  expiryDate: day('expiry date'),
  notes: text('notes', 5000).optional(),
  lines,
};
const expiryAfterIssue = { message: 'The expiry date cannot be before the issue date.', path: ['expiryDate'] };
export const ZCreateQuoteInput = z
  .object({ companyId: id('a company'), ...quoteFields })
  .refine((d) => d.expiryDate >= d.issueDate, expiryAfterIssue);
export type TCreateQuoteInput = z.input<typeof ZCreateQuoteInput>;
export const ZUpdateQuoteInput = z.object({ quoteId: id('a quote'), ...quoteFields }).refine((d) => d.expiryDate >= d.issueDate, expiryAfterIssue);
export type TUpdateQuoteInput = z.input<typeof ZUpdateQuoteInput>;

export const ZDecideQuoteInput = z.object({
  quoteId: id('a quote'),
  decision: z.enum(['accept', 'decline'], 'Choose Accept or Decline.'),
  comment: text('comment', 2000).optional(),
});
export type TDecideQuoteInput = z.input<typeof ZDecideQuoteInput>;

const recurringFields = {
  scope: text('scope', 200).min(1, 'Say what the charge covers.'),
  frequency: z.enum(RECURRING_FREQUENCIES, 'Choose Monthly, Quarterly or Yearly.'),
  amountMinor: minor('amount').min(1, 'The amount must be more than 0.').max(MAX_MINOR, 'The amount is too large.'),
  taxRateBp: taxRateBp.default(0),
  nextBillDate: day('next bill date'),
  paymentTermsDays: z.number('Enter the payment terms in days.').int('Enter whole days.').min(0, 'Payment terms cannot be negative.').max(365, 'Payment terms can be at most 365 days.').default(30),
  autoPay: z.boolean('Auto Pay must be on or off.').default(false),
  active: z.boolean('Active must be on or off.').default(true),
};
export const ZCreateRecurringInput = z.object({ companyId: id('a company'), ...recurringFields });
export type TCreateRecurringInput = z.input<typeof ZCreateRecurringInput>;
export const ZUpdateRecurringInput = z.object({ recurringId: id('a recurring invoice'), ...recurringFields });
export type TUpdateRecurringInput = z.input<typeof ZUpdateRecurringInput>;
export const ZSetRecurringActiveInput = z.object({ recurringId: id('a recurring invoice'), active: z.boolean('Active must be on or off.') });
