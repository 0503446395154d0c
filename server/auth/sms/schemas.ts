import { z } from 'zod';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https only, except a gateway on this machine (a local relay, the tests' stand-in). */
const ZGatewayUrl = z
  .string()
  .trim()
  .max(300, 'Use at most 300 characters.')
  .refine((v) => URL.canParse(v), 'Enter the gateway address, such as https://api.twilio.com.')
  .refine((v) => {
    if (!URL.canParse(v)) return true;
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  }, 'Use an https:// address (http:// only for a gateway on this machine).')
  .refine((v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password && !new URL(v).search), 'Enter the address without a user name, password or query.');

export const ZSmsSettingsInput = z.object({
  apiUrl: ZGatewayUrl,
  accountSid: z
    .string()
    .trim()
    .min(1, 'Enter the account SID or user name.')
    .max(100, 'Use at most 100 characters.')
    .regex(/^[A-Za-z0-9._@-]+$/, 'Use letters, digits and . _ @ - only.'),
  /** Empty keeps the stored token: it is never sent back to the page. */
  authToken: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
  fromNumber: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$|^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/, 'Enter the sender number with its country code (+15550100), or a sender name of up to 11 letters and digits.'),
  defaultCountryCode: z
    .string()
    .trim()
    .regex(/^(\+[1-9]\d{0,3})?$/, 'Enter a country code such as +1 or +44, or leave it empty.')
    .default(''),
  enabled: z.boolean().default(true),
});
export type TSmsSettingsInput = z.input<typeof ZSmsSettingsInput>;

export const ZSendTestSmsInput = z.object({
  to: z.string().trim().min(1, 'Enter a cell phone number.').max(40, 'Use at most 40 characters.'),
});

export const ZSendSmsCodeInput = z.object({
  pendingToken: z.string().regex(/^[a-z2-7]{32}$/, 'This sign-in has expired. Please sign in again.'),
});
