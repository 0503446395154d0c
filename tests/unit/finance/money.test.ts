import { describe, expect, it } from 'vitest';
import {
  addMonths,
  documentTotals,
  formatMoney,
  invoiceDisplayStatus,
  isValidIsoDay,
  lineTaxMinor,
  lineTotalMinor,
  monthlyEquivalentMinor,
  nextBillDate,
  parseAmount,
  parseQuantity,
  parseTaxRate,
  quoteDisplayStatus,
  statusAfterPayment,
} from '../../../server/finance/money';

describe('finance money math', () => {
  it('rounds a line total and its tax half away from zero', () => {
    expect(lineTotalMinor({ quantityMilli: 1500, unitPriceMinor: 9500 })).toBe(14250); // 1.5 h × $95
    expect(lineTotalMinor({ quantityMilli: 333, unitPriceMinor: 100 })).toBe(33); // 33.3 → 33
    expect(lineTotalMinor({ quantityMilli: 1500, unitPriceMinor: 1 })).toBe(2); // 1.5 → 2
    expect(lineTotalMinor({ quantityMilli: 1500, unitPriceMinor: -1 })).toBe(-2); // a credit rounds the same way
    expect(lineTaxMinor(1000, 825)).toBe(83); // 82.5 → 83
    expect(lineTaxMinor(1001, 825)).toBe(83); // 82.58 → 83
    expect(lineTaxMinor(999, 825)).toBe(82); // 82.41 → 82
    expect(Object.is(lineTotalMinor({ quantityMilli: 1, unitPriceMinor: -1 }), 0)).toBe(true); // never -0
  });

  it('keeps subtotal, tax and total consistent with the lines', () => {
    const lines = [
      { quantityMilli: 25_000, unitPriceMinor: 4500, taxRateBp: 825 },
      { quantityMilli: 2500, unitPriceMinor: 9500, taxRateBp: 0 },
      { quantityMilli: 1000, unitPriceMinor: 1, taxRateBp: 5000 },
    ];
    const t = documentTotals(lines);
    expect(t.subtotalMinor).toBe(112_500 + 23_750 + 1);
    // Tax is the sum of rounded line taxes (9281.25 → 9281, 0, 0.5 → 1), not the tax of the sum.
    expect(t.taxMinor).toBe(9281 + 0 + 1);
    expect(t.totalMinor).toBe(t.subtotalMinor + t.taxMinor);
    expect(documentTotals([])).toEqual({ subtotalMinor: 0, taxMinor: 0, totalMinor: 0 });
  });

  it('normalises recurring amounts to a month', () => {
    expect(monthlyEquivalentMinor(1000, 'monthly')).toBe(1000);
    expect(monthlyEquivalentMinor(1000, 'quarterly')).toBe(333);
    expect(monthlyEquivalentMinor(120_000, 'yearly')).toBe(10_000);
  });

  it('adds months without overflowing month ends', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29'); // leap year
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(nextBillDate('2027-01-31', 'monthly')).toBe('2027-02-28');
    // After a clamped month the schedule returns to the 31st rather than drifting to the 28th.
    expect(nextBillDate('2027-02-28', 'monthly', '2027-01-31')).toBe('2027-03-31');
    expect(nextBillDate('2027-04-30', 'monthly', '2027-03-31')).toBe('2027-05-31');
    // A date that is not a month end keeps its own day.
    expect(nextBillDate('2027-03-15', 'monthly', '2027-02-28')).toBe('2027-04-15');
    expect(nextBillDate('2026-11-30', 'quarterly')).toBe('2027-02-28');
    expect(nextBillDate('2026-02-28', 'yearly')).toBe('2027-02-28');
  });

  it('validates calendar days', () => {
    expect(isValidIsoDay('2026-02-28')).toBe(true);
    expect(isValidIsoDay('2026-02-29')).toBe(false);
    expect(isValidIsoDay('2026-13-01')).toBe(false);
    expect(isValidIsoDay('26-1-1')).toBe(false);
  });

  it('derives Paid / Unpaid / Partial / Overdue', () => {
    const base = { totalMinor: 1000, paidMinor: 0, dueDate: '2026-11-10' };
    expect(invoiceDisplayStatus({ ...base, status: 'sent' }, '2026-11-10')).toBe('unpaid'); // due today is not overdue
    expect(invoiceDisplayStatus({ ...base, status: 'sent' }, '2026-11-11')).toBe('overdue');
    expect(invoiceDisplayStatus({ ...base, status: 'partial', paidMinor: 400 }, '2026-11-01')).toBe('partial');
    expect(invoiceDisplayStatus({ ...base, status: 'partial', paidMinor: 400 }, '2026-12-01')).toBe('overdue');
    expect(invoiceDisplayStatus({ ...base, status: 'paid', paidMinor: 1000 }, '2027-01-01')).toBe('paid');
    expect(invoiceDisplayStatus({ ...base, status: 'draft' }, '2027-01-01')).toBe('draft');
    expect(invoiceDisplayStatus({ ...base, status: 'void' }, '2027-01-01')).toBe('void');
    expect(statusAfterPayment(1000, 400)).toBe('partial');
    expect(statusAfterPayment(1000, 1000)).toBe('paid');
    expect(quoteDisplayStatus({ status: 'sent', expiryDate: '2026-11-10' }, '2026-11-10')).toBe('sent');
    expect(quoteDisplayStatus({ status: 'sent', expiryDate: '2026-11-10' }, '2026-11-11')).toBe('expired');
    expect(quoteDisplayStatus({ status: 'accepted', expiryDate: '2026-11-10' }, '2026-11-11')).toBe('accepted');
  });

  it('formats and parses amounts in the currency', () => {
    expect(formatMoney(123_456, 'USD', 'en-US')).toBe('$1,234.56');
    expect(formatMoney(1234, 'JPY', 'en-US')).toBe('¥1,234');
    expect(parseAmount('1,234.5', 'USD')).toBe(123_450);
    expect(parseAmount('12.345', 'USD')).toBeNull();
    expect(parseAmount('-5', 'USD')).toBe(-500);
    expect(parseAmount('1234', 'JPY')).toBe(1234);
    expect(parseAmount('abc', 'USD')).toBeNull();
    expect(parseQuantity('1.5')).toBe(1500);
    expect(parseQuantity('2')).toBe(2000);
    expect(parseQuantity('0.0001')).toBeNull();
    expect(parseTaxRate('8.25')).toBe(825);
    expect(parseTaxRate('8.25 %')).toBe(825);
    expect(parseTaxRate('0')).toBe(0);
    expect(parseTaxRate('101')).toBeNull();
  });
});
