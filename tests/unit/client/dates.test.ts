import { describe, expect, it } from 'vitest';
import { dateFormats, formatDate, formatDateTime, isoOf, setDisplayTimeZone } from '../../../client/src/lib/dates';

// 2026-11-22 23:30 UTC: still the 22nd in New York, already the 23rd in Berlin.
const LATE = Date.UTC(2026, 10, 22, 23, 30);

describe('client date formats', () => {
  it('writes instants in the given locale and zone', () => {
    expect(dateFormats('en-US', 'America/New_York').dateTime(LATE)).toBe('Nov 22, 2026, 6:30 PM');
    expect(dateFormats('en-US', 'Europe/Berlin').dateTime(LATE)).toBe('Nov 23, 2026, 12:30 AM');
    expect(dateFormats('de-DE', 'Europe/Berlin').dateTime(LATE)).toBe('23.11.2026, 00:30');
    expect(dateFormats('en-US', 'Europe/Berlin').date(LATE)).toBe('Nov 23, 2026');
  });

  it('takes a Date, epoch milliseconds or an ISO string alike', () => {
    const f = dateFormats('en-US', 'UTC');
    const want = 'Nov 22, 2026, 11:30 PM';
    expect([f.dateTime(LATE), f.dateTime(new Date(LATE)), f.dateTime(new Date(LATE).toISOString())]).toEqual([want, want, want]);
  });

  it('writes a calendar day as that day in every zone, in the same style as instants', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      expect(dateFormats('en-US', zone).date('2027-06-20')).toBe('Jun 20, 2027');
    }
    // One style for days and instants (Finance's due dates and Certificates' expiry alike).
    expect(dateFormats('en-US', 'UTC').date('2026-11-22')).toBe(dateFormats('en-US', 'UTC').date(Date.UTC(2026, 10, 22, 9)));
  });

  it('follows the zone set for the account, and the platform zone when it is cleared', () => {
    setDisplayTimeZone('Asia/Tokyo');
    const tokyo = formatDateTime(LATE);
    expect(tokyo).toBe(dateFormats(undefined, 'Asia/Tokyo').dateTime(LATE));
    setDisplayTimeZone('America/Los_Angeles');
    expect(formatDateTime(LATE)).not.toBe(tokyo);
    expect(formatDate('2026-11-22')).toBe(dateFormats(undefined, 'UTC').date('2026-11-22'));
    setDisplayTimeZone(null);
    expect(formatDateTime(LATE)).toBe(dateFormats(undefined, undefined).dateTime(LATE));
  });

  it('gives <time datetime> the day or the instant', () => {
    expect(isoOf('2027-06-20')).toBe('2027-06-20');
    expect(isoOf(LATE)).toBe('2026-11-22T23:30:00.000Z');
  });
});
