import { eq } from 'drizzle-orm';
import { providers, type TProvider } from '../../db/schema/people';
import { slaPolicies, ticketCategories } from '../../db/schema/tickets';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { ZCreateProviderInput, type TCreateProviderInput } from './schemas';

export const DEFAULT_SLA = [
  { priority: 'high', firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  { priority: 'medium', firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60 },
  { priority: 'low', firstResponseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60 },
] as const;
export const DEFAULT_CATEGORIES = ['Hardware', 'Software', 'Network', 'Email', 'Accounts and access', 'Other'] as const;

/** Creates an MSP. Only the system (setup, seed, scripts) may do this. */
export function createProvider(ctx: ServiceContext, input: TCreateProviderInput): TProvider {
  if (ctx.actor.kind !== 'system') throw new AppError('FORBIDDEN', 'Providers are created by the system.');
  const data = ZCreateProviderInput.parse(input);
  return unitOfWork(ctx, (tx) => {
    if (tx.select().from(providers).where(eq(providers.identifier, data.identifier)).get()) {
      throw new AppError('CONFLICT', 'That service provider identifier is taken.');
    }
    const provider = tx
      .insert(providers)
      .values({ ...data, createdAt: ctx.clock.now() })
      .returning()
      .get();
    // Seed 004 §10's response targets as the default SLA; staff admins edit them.
    for (const sla of DEFAULT_SLA) tx.insert(slaPolicies).values({ providerId: provider.id, ...sla }).run();
    for (const name of DEFAULT_CATEGORIES) tx.insert(ticketCategories).values({ providerId: provider.id, name, createdAt: ctx.clock.now() }).run();
    return provider;
  });
}
