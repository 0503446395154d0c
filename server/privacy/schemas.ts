import { z } from 'zod';

// Printable text only: the version is shown to users and written into the audit export.
const ZPolicyVersion = z
  .string()
  .trim()
  .max(40, 'Keep the policy version under 40 characters.')
  .regex(/^[^\p{Cc}]*$/u, 'The policy version cannot contain control characters.');

// Only web links: the consent screen opens it in a new tab, so no javascript: or data: URLs.
const ZPolicyUrl = z
  .string()
  .trim()
  .max(2000, 'Keep the URL under 2000 characters.')
  .pipe(z.union([z.literal(''), z.url({ protocol: /^https?$/, message: 'Enter a web address starting with https://.' })]));

// Shown as plain text on the consent screen (never HTML); line breaks kept.
const ZPolicyText = z
  .string()
  .trim()
  .max(50_000, 'Keep the policy text under 50,000 characters.')
  .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'The policy text cannot contain control characters.');

/**
 * Provider setting: a version with the policy's URL or its text (or both); an empty version
 * turns privacy prompts off (then a URL or text alone is refused, so nothing is silently ignored).
 */
export const ZPrivacySettingsInput = z
  .object({ policyVersion: ZPolicyVersion, policyUrl: ZPolicyUrl, policyText: ZPolicyText.default('') })
  .refine((v) => !v.policyVersion || v.policyUrl || v.policyText, { path: ['policyUrl'], message: 'Enter the privacy policy URL or its text.' })
  .refine((v) => v.policyVersion || (!v.policyUrl && !v.policyText), { path: ['policyVersion'], message: 'Enter the policy version (for example 2026-11).' });
export type TPrivacySettingsInput = z.input<typeof ZPrivacySettingsInput>;

export const ZConsentRequiredInput = z.object({ userId: z.number().int().positive(), required: z.boolean() });
export type TConsentRequiredInput = z.input<typeof ZConsentRequiredInput>;

/** The version the user read: accepting is refused if the provider has moved on since. */
export const ZAcceptPrivacyInput = z.object({ policyVersion: z.string().trim().min(1, 'Which policy version?').max(40) });
export type TAcceptPrivacyInput = z.input<typeof ZAcceptPrivacyInput>;

export const ZPrivacyHistoryInput = z.object({
  /** Page backwards from this id (exclusive). */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
