import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { providers } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireStaffAdmin } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';

/*
 * "Payment instructions": how clients pay other than by card in the portal (bank transfer
 * details, a phone number). Shown on every unpaid invoice's page and printed on its PDF, so
 * a provider without card payments still tells clients how to pay.
 */

export const ZPaymentInstructionsInput = z.object({
  // Free text, shown as text (never HTML); tabs and line breaks kept, other control characters refused.
  instructions: z
    .string()
    .trim()
    .max(2000, 'Keep the payment instructions under 2000 characters.')
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'The payment instructions cannot contain control characters.'),
});
export type TPaymentInstructionsInput = z.input<typeof ZPaymentInstructionsInput>;

export async function getPaymentInstructions(ctx: ServiceContext): Promise<{ instructions: string }> {
  const staff = requireStaff(ctx.actor);
  const p = (await ctx.db.select({ instructions: providers.paymentInstructions }).from(providers).where(eq(providers.id, staff.providerId)))[0];
  if (!p) throw new AppError('NOT_FOUND', 'Provider not found.');
  return { instructions: p.instructions ?? '' };
}

/** Staff admins; empty text removes the instructions. */
export async function updatePaymentInstructions(ctx: ServiceContext, input: unknown): Promise<{ instructions: string }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { instructions } = ZPaymentInstructionsInput.parse(input);
  await unitOfWork(ctx, async (tx) => {
    (await tx.update(providers).set({ paymentInstructions: instructions || null }).where(eq(providers.id, admin.providerId)));
  });
  return { instructions };
}
