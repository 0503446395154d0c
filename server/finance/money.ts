/*
 * The one place for money and billing-date arithmetic. Pure (no imports), so the staff
 * line editor in the client shows exactly the totals the server stores.
 *
 * Rounding: Math.round on non-negative values, i.e. half away from zero (12.5 → 13), per
 * line; the document's tax is the sum of the rounded line taxes, so the printed lines
 * always add up to the printed totals.
 */

export type TLineAmounts = { quantityMilli: number; unitPriceMinor: number; taxRateBp: number };
export type TDocumentTotals = { subtotalMinor: number; taxMinor: number; totalMinor: number };

/** Half away from zero, also for negative amounts (credits), so -12.5 → -13 like 12.5 → 13. */
const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x)) || 0; // `|| 0`: never -0

export const lineTotalMinor = (l: Pick<TLineAmounts, 'quantityMilli' | 'unitPriceMinor'>) =>
  roundHalfAway((l.quantityMilli * l.unitPriceMinor) / 1000);

export const lineTaxMinor = (lineTotal: number, taxRateBp: number) => roundHalfAway((lineTotal * taxRateBp) / 10000);

export function documentTotals(lines: readonly TLineAmounts[]): TDocumentTotals {
  let subtotalMinor = 0;
  let taxMinor = 0;
  for (const l of lines) {
    const total = lineTotalMinor(l);
    subtotalMinor += total;
    taxMinor += lineTaxMinor(total, l.taxRateBp);
  }
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

export const RECURRING_MONTHS = { monthly: 1, quarterly: 3, yearly: 12 } as const;
export type TFrequency = keyof typeof RECURRING_MONTHS;

/** A recurring charge as a per-month figure (rounded once per subscription). */
export const monthlyEquivalentMinor = (amountMinor: number, frequency: TFrequency) =>
  Math.round(amountMinor / RECURRING_MONTHS[frequency]);

export const invoiceLabel = (n: number) => `INV-${n}`;
export const quoteLabel = (n: number) => `Q-${n}`;

/* ---- calendar dates as 'YYYY-MM-DD', free of time zones ---- */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const daysInMonth = (y: number, m0: number) => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();

/** Today in UTC: billing dates are calendar days, and the server keeps one clock for all. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function parseIsoDay(s: string): { y: number; m0: number; d: number } {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return { y, m0: m - 1, d };
}

export function isValidIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const { y, m0, d } = parseIsoDay(s);
  return m0 >= 0 && m0 < 12 && d >= 1 && d <= daysInMonth(y, m0);
}

export function addDays(s: string, days: number): string {
  const { y, m0, d } = parseIsoDay(s);
  return isoDay(new Date(Date.UTC(y, m0, d + days)));
}

/**
 * Adds months, clamping to the month's last day (Jan 31 + 1 month = Feb 28 or 29).
 * `anchorDay` keeps a month-end schedule from drifting: after Feb 28 it returns to the 31st.
 */
export function addMonths(s: string, months: number, anchorDay?: number): string {
  const { y, m0, d } = parseIsoDay(s);
  const total = y * 12 + m0 + months;
  const ty = Math.floor(total / 12);
  const tm0 = total - ty * 12;
  const wanted = anchorDay && anchorDay > d ? anchorDay : d;
  return `${pad(ty, 4)}-${pad(tm0 + 1)}-${pad(Math.min(wanted, daysInMonth(ty, tm0)))}`;
}

/**
 * The bill date after `date`. `previousPeriod` (the last billed date) supplies the anchor
 * day only when `date` sits on a month end, i.e. when it was clamped from that day.
 */
export function nextBillDate(date: string, frequency: TFrequency, previousPeriod?: string | null): string {
  const { y, m0, d } = parseIsoDay(date);
  const anchor = previousPeriod && d === daysInMonth(y, m0) ? parseIsoDay(previousPeriod).d : undefined;
  return addMonths(date, RECURRING_MONTHS[frequency], anchor);
}

/* ---- invoice status as a person reads it ---- */

export type TInvoiceStoredStatus = 'draft' | 'sent' | 'partial' | 'paid' | 'void';
export type TInvoiceDisplayStatus = 'draft' | 'unpaid' | 'partial' | 'paid' | 'overdue' | 'void';

/** Overdue: issued (sent or part-paid), money still owed, and the due date has passed. */
export function invoiceDisplayStatus(
  inv: { status: TInvoiceStoredStatus; totalMinor: number; paidMinor: number; dueDate: string },
  today: string,
): TInvoiceDisplayStatus {
  if (inv.status === 'draft' || inv.status === 'void' || inv.status === 'paid') return inv.status;
  if (inv.totalMinor - inv.paidMinor > 0 && inv.dueDate < today) return 'overdue';
  return inv.status === 'partial' ? 'partial' : 'unpaid';
}

/** The stored status after a payment: paid once nothing is owed. */
export const statusAfterPayment = (totalMinor: number, paidMinor: number): 'partial' | 'paid' =>
  paidMinor >= totalMinor ? 'paid' : 'partial';

export type TQuoteDisplayStatus = 'draft' | 'sent' | 'accepted' | 'declined' | 'expired';

/** A sent quote past its expiry date reads as expired (valid through the expiry day). */
export function quoteDisplayStatus(q: { status: TQuoteDisplayStatus; expiryDate: string }, today: string): TQuoteDisplayStatus {
  return q.status === 'sent' && q.expiryDate < today ? 'expired' : q.status;
}

/* ---- display and entry of amounts ---- */

/** Minor-unit digits of a currency (USD 2, JPY 0), as Intl knows them. */
export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

export const formatMoney = (minor: number, currency: string, locale?: string) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** currencyDigits(currency));

/** "1,234.5" → 123450 for USD; null when it is not an amount with at most the currency's decimals. */
export function parseAmount(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^(-?)(\d{1,12})(?:\.(\d*))?$/.exec(text.trim().replace(/[,\s]/g, ''));
  if (!m || (m[3] ?? '').length > digits) return null;
  const minor = Number(m[2]) * 10 ** digits + Number((m[3] ?? '').padEnd(digits, '0') || 0);
  return m[1] ? -minor : minor;
}

/** "1.5" → 1500 thousandths; null when not a positive number with at most 3 decimals. */
export function parseQuantity(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{0,3}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

export const formatQuantity = (milli: number) => String(milli / 1000);
export const formatTaxRate = (bp: number) => `${bp / 100}%`;

/** "8.25" (percent) → 825 basis points; null when not 0–100 with at most 2 decimals. */
export function parseTaxRate(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/%$/, '').trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}
