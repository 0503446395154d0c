import { z } from 'zod';
import { ZEmail } from '../people/schemas';

export const ZStartSignInInput = z.object({ email: ZEmail });
export const ZPasswordSignInInput = z.object({
  email: ZEmail,
  // Long enough for any policy; the cap stops hashing megabytes.
  password: z.string().min(1, 'Enter your password.').max(1024),
});
export type TPasswordSignInInput = z.input<typeof ZPasswordSignInInput>;
export const ZChooseAccountInput = z.object({ kind: z.enum(['staff', 'contact']), id: z.number().int().positive() });
export const ZContinueAfterLimitInput = z.object({
  pendingToken: z.string().regex(/^[a-z2-7]{32}$/, 'This sign-in has expired. Please sign in again.'),
  sessionRef: z.string().regex(/^[a-f0-9]{16}$/, 'Choose a session to end.'),
});
export const ZTwoFactorInput = z.object({
  pendingToken: z.string().regex(/^[a-z2-7]{32}$/, 'This sign-in has expired. Please sign in again.'),
  method: z.enum(['totp', 'sms', 'recovery']),
  code: z.string().trim().min(6, 'Enter the code.').max(20),
  /** "Remember this device for 30 days". */
  rememberDevice: z.boolean().default(false),
});
export const ZTotpCodeInput = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code.') });
