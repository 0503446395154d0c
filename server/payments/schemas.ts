import { z } from 'zod';

/* Inputs of Pay Now, refunds and payment history, shared by the services and the tRPC router. */

const id = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);
const minor = (what: string) =>
  z.number(`Enter the ${what}.`).int(`Enter the ${what} in whole cents.`).positive(`The ${what} must be more than 0.`).max(1e12, `The ${what} is too large.`);

export const ZPayOptionsInput = z.object({ invoiceId: id('an invoice') });

/** Pay Now: the invoice and, when the provider allows partial payments, how much (default: the balance). */
export const ZStartCardPaymentInput = z.object({
  invoiceId: id('an invoice'),
  amountMinor: minor('amount').optional(),
});
export type TStartCardPaymentInput = z.input<typeof ZStartCardPaymentInput>;

export const ZRefundInput = z.object({
  paymentId: id('a payment'),
  amountMinor: minor('refund amount'),
  reason: z.string('Give a reason.').trim().max(500, 'Keep the reason under 500 characters.').optional(),
});
export type TRefundInput = z.input<typeof ZRefundInput>;

/** Staff name a company to narrow the history; contacts always see their own company's. */
export const ZPaymentHistoryInput = z.object({ companyId: id('a company').optional(), invoiceId: id('an invoice').optional() }).optional();
export type TPaymentHistoryInput = z.input<typeof ZPaymentHistoryInput>;
