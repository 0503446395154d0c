import { createSignal } from 'solid-js';

/*
 * The one way the client writes dates and times: Intl in the person's locale (the browser's)
 * and time zone (their account setting, else the browser's). Instants (a sign-in, a reply)
 * are shown in that zone; calendar days (an invoice's due date, a certificate's expiry,
 * "2026-11-22") have no zone and are shown as the same day everywhere.
 */

export type TDateInput = Date | number | string;

export interface TDateFormats {
  /** "Nov 22, 2026": a calendar day, or the day of an instant in the zone. */
  date(value: TDateInput): string;
  /** "Nov 22, 2026, 3:05 PM". */
  dateTime(value: TDateInput): string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Formats for one locale and zone (undefined: the platform's); pure, so unit tests pin both. */
export function dateFormats(locale: string | undefined, timeZone: string | undefined): TDateFormats {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  // A calendar day is its own date: formatted at noon UTC in UTC, it is that day in every zone.
  const calendarDay = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const instant = (v: TDateInput) => (v instanceof Date ? v : new Date(v));
  return {
    date: (v) => (typeof v === 'string' && DAY.test(v) ? calendarDay.format(new Date(`${v}T12:00:00Z`)) : day.format(instant(v))),
    dateTime: (v) => dayTime.format(instant(v)),
  };
}

const [zone, setZone] = createSignal<string | undefined>(undefined);
const cache = new Map<string, TDateFormats>();
function current(): TDateFormats {
  const z = zone();
  const key = z ?? '';
  let f = cache.get(key);
  if (!f) cache.set(key, (f = dateFormats(undefined, z)));
  return f;
}

/** Sets the zone every date and time is shown in (null: the browser's); shown times follow at once. */
export function setDisplayTimeZone(timeZone: string | null | undefined): void {
  setZone(timeZone ?? undefined);
}

/** The zone times are shown in now (the browser's unless the account chose one). */
export const displayTimeZone = (): string => zone() ?? browserTimeZone();
export const browserTimeZone = (): string => new Intl.DateTimeFormat().resolvedOptions().timeZone;

export const formatDate = (value: TDateInput): string => current().date(value);
export const formatDateTime = (value: TDateInput): string => current().dateTime(value);
/** For <time datetime>: the machine-readable instant or day. */
export const isoOf = (value: TDateInput): string => (typeof value === 'string' && DAY.test(value) ? value : new Date(value).toISOString());
