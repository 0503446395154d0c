import { eq } from 'drizzle-orm';
import { accessRequests } from '../../db/schema/access-requests';
import { providers, type TProvider } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { unitOfWork } from '../core/unit-of-work';
import { ACCESS_REQUESTED, UNKNOWN_PROVIDER, ZRequestAccessInput } from './schemas';
import { accessRequestsTopic } from './topics';
import { accessRequestView } from './view';

/** Whether "Request access" must ask which provider: only when the portal serves several. */
export async function identifierNeeded(ctx: ServiceContext): Promise<{ needsIdentifier: boolean }> {
  return { needsIdentifier: (await ctx.db.select({ id: providers.id }).from(providers).limit(2)).length > 1 };
}

async function providerFor(ctx: ServiceContext, identifier: string | undefined): Promise<TProvider> {
  const some = (await ctx.db.select().from(providers).limit(2));
  if (some.length === 1) return some[0]!;
  // `field` lets the form show the message beside the identifier input.
  if (!identifier) throw new AppError('BAD_INPUT', 'Enter your service provider identifier.', { field: 'identifier' });
  const provider = (await ctx.db.select().from(providers).where(eq(providers.identifier, identifier)))[0];
  if (!provider) throw new AppError('BAD_INPUT', UNKNOWN_PROVIDER, { field: 'identifier' });
  return provider;
}

/**
 * "Request access" from the sign-in page. Every accepted request takes the same path: it
 * never looks the email up, so neither the answer nor its timing says whether the address
 * is known. Staff of the provider see it appear live and decide.
 */
export async function requestAccess(ctx: ServiceContext, input: unknown, ip: string): Promise<{ message: string }> {
  const data = ZRequestAccessInput.parse(input);
  const now = ctx.clock.now();
  // Before the provider lookup, so the form cannot be used to probe identifiers either.
  if (!await ctx.rateLimits.accessRequestsPerIp.consume(ip, now)) {
    throw new AppError('RATE_LIMITED', 'Too many requests from your network. Try again in an hour.');
  }
  const provider = await providerFor(ctx, data.identifier);
  await unitOfWork(ctx, async (tx, emit) => {
    const row = (await tx
      .insert(accessRequests)
      .values({ providerId: provider.id, name: data.name, email: data.email, companyName: data.companyName, ip, createdAt: now })
      .returning())[0]!;
    await recordAudit(tx, now, { kind: 'access_requested', providerId: provider.id, email: data.email, ip, detail: { requestId: row.id } });
    emit(accessRequestsTopic(provider.id), 'access_request.created', { request: accessRequestView(row) });
  });
  return { message: ACCESS_REQUESTED };
}
