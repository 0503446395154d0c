import { eq } from 'drizzle-orm';
import { providers, type TProvider } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { addProviderTicketDefaults } from '../tickets/provider-defaults';
import { ZCreateProviderInput, type TCreateProviderInput } from './schemas';

/** Creates an MSP. Only the system (setup, seed, scripts) may do this. */
export async function createProvider(ctx: ServiceContext, input: TCreateProviderInput): Promise<TProvider> {
  if (ctx.actor.kind !== 'system') throw new AppError('FORBIDDEN', 'Providers are created by the system.');
  const data = ZCreateProviderInput.parse(input);
  return await unitOfWork(ctx, async (tx) => {
    if ((await tx.select().from(providers).where(eq(providers.identifier, data.identifier)))[0]) {
      throw new AppError('CONFLICT', 'That service provider identifier is taken.');
    }
    const provider = (await tx
      .insert(providers)
      .values({ ...data, createdAt: ctx.clock.now() })
      .returning())[0]!;
    await addProviderTicketDefaults(tx, provider.id, ctx.clock.now());
    return provider;
  });
}
