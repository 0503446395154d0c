import { z } from 'zod';

/**
 * The new-password fields shared by invitation and reset forms. The provider's fuller
 * policy (common passwords, history, character classes) is applied by the services.
 */
export const ZNewPassword = z
  .string()
  .min(8, 'Use at least 8 characters.')
  .max(128, 'Use at most 128 characters.');

export const ZNewPasswordPair = z
  .object({ password: ZNewPassword, confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, { message: 'The passwords do not match.', path: ['confirmPassword'] });

/** Rules every password must meet, whatever the provider chose (seed 000). */
export function basicPasswordProblems(password: string, user: { email: string; name: string }): string[] {
  const lower = password.toLowerCase();
  const problems: string[] = [];
  const local = user.email.split('@')[0] ?? '';
  if (lower.includes('password')) problems.push('Do not use the word "password".');
  if ((local.length >= 3 && lower.includes(local.toLowerCase())) || lower.includes(user.email.toLowerCase())) {
    problems.push('Do not use your email address or user name.');
  }
  return problems;
}
