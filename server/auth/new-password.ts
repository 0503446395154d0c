import { z } from 'zod';

/**
 * The new-password fields shared by invitation, reset and change forms. Only a coarse
 * bound here; the provider's policy (server/auth/password-policy.ts) decides the rest.
 */
export const ZNewPassword = z.string().min(1, 'Enter a new password.').max(1024, 'Use at most 128 characters.');

export const ZNewPasswordPair = z
  .object({ password: ZNewPassword, confirmPassword: z.string().max(1024) })
  .refine((v) => v.password === v.confirmPassword, { message: 'The passwords do not match.', path: ['confirmPassword'] });
