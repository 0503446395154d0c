/*
 * Dates and durations for the ticket pages: absolute times from lib/dates (the person's
 * locale and zone), relative times ("5 min ago") where a glance is enough.
 */

import { formatDateTime as formatInstant, isoOf } from '../../lib/dates';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

export const formatDateTime = (ms: number) => formatInstant(ms);
export const isoTime = (ms: number) => isoOf(ms);

/** "5 min ago", "yesterday"; falls back to the date for anything older than a week. */
export function formatRelative(ms: number, now = Date.now()): string {
  const sec = Math.round((ms - now) / 1000);
  const abs = Math.abs(sec);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(sec / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(sec / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(sec / 86_400), 'day');
  return formatDateTime(ms);
}

/** A span of time in words a technician reads at a glance: "25 min", "2 h", "3 d". */
export function formatSpan(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  if (min < 1) return 'under 1 min';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** Logged time: "25 min", "1 h 10 min". */
export function formatMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
