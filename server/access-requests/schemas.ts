import { z } from 'zod';
import { ZEmail } from '../people/schemas';

/** The one answer to every accepted request, known email or not. */
export const ACCESS_REQUESTED =
  'Your request was received. Your service provider reviews each request; if it is approved you will receive an email invitation with a link to set up your account.';
export const UNKNOWN_PROVIDER = "We don't know that service provider identifier. Ask your service provider for it.";

const text = (empty: string) => z.string().trim().min(1, empty).max(120, 'Use at most 120 characters.');

export const ZRequestAccessInput = z.object({
  /** Only asked for when the portal serves more than one provider. */
  identifier: z.string().trim().toLowerCase().max(32).optional(),
  name: text('Enter your name.'),
  email: ZEmail,
  companyName: text('Enter your company name.'),
});
export type TRequestAccessInput = z.input<typeof ZRequestAccessInput>;

export const ZAccessRequestIdInput = z.object({ requestId: z.number().int().positive() });

export const ZApproveAccessInput = ZAccessRequestIdInput.extend({
  company: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('existing'), companyId: z.number().int().positive() }),
    z.object({ kind: z.literal('new'), name: text('Enter the new company name.') }),
  ]),
});
export type TApproveAccessInput = z.input<typeof ZApproveAccessInput>;
