import type { TEmit } from '../core/unit-of-work';

/** Bus topics: a company's Billing contacts follow the first, the provider's staff the second. */
export const companyFinanceTopic = (companyId: number) => `company-finance:${companyId}`;
export const staffFinanceTopic = (providerId: number) => `staff-finance:${providerId}`;

export type TFinanceEventKind = 'invoice.changed' | 'quote.changed' | 'quote.decided' | 'payment.recorded' | 'recurring.changed' | 'card.changed' | 'autopay.attempted' | 'payment.refunded';

/**
 * Finance events carry ids and a status only; pages refetch what they show, through the
 * services, so an event can never carry more than the reader may see. `client` is false
 * for what clients must not learn of (drafts, inactive subscriptions).
 */
export function emitFinance(
  emit: TEmit,
  doc: { providerId: number; companyId: number },
  kind: TFinanceEventKind,
  payload: Record<string, unknown>,
  client: boolean,
): void {
  const topics = client ? [staffFinanceTopic(doc.providerId), companyFinanceTopic(doc.companyId)] : [staffFinanceTopic(doc.providerId)];
  emit(topics, kind, { companyId: doc.companyId, ...payload });
}
