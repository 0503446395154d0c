import type { Clock } from '../core/clock';

/** Seed 004 §20: domains, certificates and warranties this close to their end are flagged. */
export const EXPIRY_WINDOW_DAYS = 45;

const DAY_MS = 86_400_000;

/** Today's date as 'YYYY-MM-DD' by the service clock (UTC, as the stored dates carry no zone). */
export const todayOf = (clock: Clock): string => clock.now().toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export type TExpiryBadge = { state: 'expired' | 'soon'; days: number; label: string } | null;

/**
 * The badge next to an expiry date: "Expired" once the day has passed, "Expires in N days"
 * within the window (today counts as 0 days and still works), nothing otherwise.
 */
export function expiryBadge(expiresOn: string | null | undefined, today: string): TExpiryBadge {
  if (!expiresOn) return null;
  const days = daysBetween(today, expiresOn);
  if (Number.isNaN(days)) return null;
  if (days < 0) return { state: 'expired', days, label: 'Expired' };
  if (days > EXPIRY_WINDOW_DAYS) return null;
  const label = days === 0 ? 'Expires today' : `Expires in ${days} day${days === 1 ? '' : 's'}`;
  return { state: 'soon', days, label };
}
