import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { providers } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';

/*
 * How mail intake treats senders it cannot authenticate (server/mail-intake/sender-trust.ts):
 * the policy for domains without DMARC, and the domains trusted without any check.
 */

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'Enter domain names such as example.com.');

export const ZMailSenderSettingsInput = z.object({
  /** hold: mail matched by its From from a domain without DMARC waits for staff; spf: an aligned SPF pass is enough. */
  noDmarc: z.enum(['hold', 'spf'], 'Choose hold or trust SPF.'),
  trustedDomains: z.array(domain).max(50, 'List at most 50 domains.').transform((list) => [...new Set(list)]),
});
export type TMailSenderSettingsInput = z.input<typeof ZMailSenderSettingsInput>;

export async function getMailSenderSettings(ctx: ServiceContext): Promise<{ noDmarc: 'hold' | 'spf'; trustedDomains: string[] }> {
  const staff = requireStaff(ctx.actor);
  const p = (await ctx.db.select({ noDmarc: providers.mailNoDmarc, trustedDomains: providers.mailTrustedDomains }).from(providers).where(eq(providers.id, staff.providerId)))[0];
  if (!p) throw new AppError('NOT_FOUND', 'Provider not found.');
  return p;
}

/** Staff admins; the change is in the Security log (trusting a domain lets anyone write as it). */
export async function updateMailSenderSettings(ctx: ServiceContext, input: unknown, ip: string | null = null): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZMailSenderSettingsInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(providers).set({ mailNoDmarc: data.noDmarc, mailTrustedDomains: data.trustedDomains }).where(eq(providers.id, admin.providerId)));
    await recordAudit(tx, ctx.clock.now(), { kind: 'mail_sender_settings_changed', providerId: admin.providerId, actorUserId: admin.userId, ip, detail: data });
  });
}
