import { and, eq } from 'drizzle-orm';
import { users } from '../../db/schema/people';
import { privacyConsents } from '../../db/schema/privacy';
import { recordAudit } from '../audit/record-audit';
import { mustSetUpTwoFactor } from '../auth/two-factor-requirement';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireSignedIn } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { privacyPolicyOf } from './consent-requirement';
import { ZAcceptPrivacyInput, type TAcceptPrivacyInput } from './schemas';

/**
 * "I have read and accept the Privacy Policy": keeps the proof (who, which version, from
 * where, when) in the Privacy Action History and the security audit log. Accepting the
 * same version again changes nothing.
 */
export async function acceptPrivacy(ctx: ServiceContext, input: TAcceptPrivacyInput, meta: { ip: string }) {
  const actor = requireSignedIn(ctx.actor);
  const { policyVersion } = ZAcceptPrivacyInput.parse(input);
  // Required two-factor setup comes first; this call is reachable before it.
  if (await mustSetUpTwoFactor(ctx, actor)) throw new AppError('FORBIDDEN', 'Set up two-factor authentication to continue.');
  const policy = await privacyPolicyOf(ctx, actor.providerId);
  if (!policy) throw new AppError('BAD_INPUT', 'There is no privacy policy to accept.');
  if (policy.version !== policyVersion) {
    throw new AppError('CONFLICT', 'The privacy policy has changed. Please read the new version.');
  }
  return await unitOfWork(ctx, async (tx) => {
    const same = and(eq(privacyConsents.userId, actor.userId), eq(privacyConsents.providerId, actor.providerId), eq(privacyConsents.policyVersion, policyVersion));
    const existing = (await tx.select().from(privacyConsents).where(same))[0];
    if (existing) return { policyVersion, acceptedAt: existing.createdAt };
    const now = ctx.clock.now();
    (await tx.insert(privacyConsents).values({ providerId: actor.providerId, userId: actor.userId, policyVersion, ip: meta.ip, createdAt: now }));
    const email = (await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.userId)))[0]?.email;
    await recordAudit(tx, now, { kind: 'privacy_accepted', userId: actor.userId, providerId: actor.providerId, email, ip: meta.ip, detail: { policyVersion } });
    return { policyVersion, acceptedAt: now };
  });
}
