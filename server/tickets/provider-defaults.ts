import { slaPolicies, ticketCategories } from '../../db/schema/tickets';
import type { TTx } from '../core/unit-of-work';

export const DEFAULT_SLA = [
  { priority: 'high', firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  { priority: 'medium', firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60 },
  { priority: 'low', firstResponseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60 },
] as const;
export const DEFAULT_CATEGORIES = ['Hardware', 'Software', 'Network', 'Email', 'Accounts and access', 'Other'] as const;

/**
 * A new provider's ticket console: seed 004 §10's response targets as its SLA and the usual
 * categories, which its staff admins then edit. Inside the transaction creating the provider.
 */
export async function addProviderTicketDefaults(tx: TTx, providerId: number, now: Date): Promise<void> {
  for (const sla of DEFAULT_SLA) (await tx.insert(slaPolicies).values({ providerId, ...sla }));
  for (const name of DEFAULT_CATEGORIES) (await tx.insert(ticketCategories).values({ providerId, name, createdAt: now }));
}
