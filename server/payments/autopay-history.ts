import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { invoices } from '../../db/schema/finance';
import { autopayAttempts, savedCards } from '../../db/schema/payments';
import { companies } from '../../db/schema/people';
import { inScope } from '../finance/access';
import { invoiceLabel, isoDay } from '../finance/money';
import { cardLabel } from './card-label';
import type { THistorySource, TPaymentRow } from './payment-history';

/*
 * Failed auto-pay charges in the payment history (issue 8): the same columns as a payment
 * (date, amount, method, invoice) with status "Failed" and the gateway's reason.
 */

export interface TFailedAutopayRow extends Omit<TPaymentRow, 'kind' | 'status'> {
  kind: 'autopay_failed';
  status: 'failed';
  /** Why the charge failed, in the gateway's words (or ours when no charge was made). */
  reason: string;
  attemptNo: number;
}

const LIMIT = 500;

export const failedAutopayRows: THistorySource = async (ctx, scope, filter) =>
  (await ctx.db
    .select({ a: autopayAttempts, number: invoices.number, currency: invoices.currency, company: companies.name, brand: savedCards.brand, last4: savedCards.last4 })
    .from(autopayAttempts)
    .innerJoin(invoices, eq(invoices.id, autopayAttempts.invoiceId))
    .innerJoin(companies, eq(companies.id, autopayAttempts.companyId))
    .leftJoin(savedCards, eq(savedCards.id, autopayAttempts.savedCardId))
    .where(
      and(
        inScope(scope, autopayAttempts, filter.companyId),
        filter.invoiceId ? eq(autopayAttempts.invoiceId, filter.invoiceId) : undefined,
        inArray(autopayAttempts.status, ['failed', 'abandoned']),
        // Attempts settled without a charge because the invoice was paid meanwhile have no reason: not failures.
        isNotNull(autopayAttempts.failureMessage),
      ),
    )
    .orderBy(desc(autopayAttempts.updatedAt), desc(autopayAttempts.id))
    .limit(LIMIT))
    .map(({ a, number, currency, company, brand, last4 }): TFailedAutopayRow => ({
      kind: 'autopay_failed',
      key: `autopay-${a.id}`,
      id: a.id,
      date: isoDay(a.updatedAt),
      at: a.updatedAt.getTime(),
      amountMinor: a.amountMinor,
      refundedMinor: 0,
      currency,
      method: 'card',
      methodLabel: brand && last4 ? `${cardLabel(brand, last4)} (auto-pay)` : 'Card (auto-pay)',
      invoiceId: a.invoiceId,
      invoiceNumber: invoiceLabel(number),
      companyId: a.companyId,
      companyName: company,
      reference: null,
      status: 'failed',
      refundable: false,
      reason: a.failureMessage ?? '',
      attemptNo: a.attemptNo,
    }));
