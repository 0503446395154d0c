import { z } from 'zod';
import { IDP_KINDS, SSO_MODES, TOKEN_AUTH_METHODS } from '../../../db/schema/sso';

const ZDomain = z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'Enter domains like example.com, separated by commas.');

/** https everywhere; plain http only for a provider on this machine (loopback), as in the tests. */
const ZIssuerUrl = z
  .string()
  .trim()
  .max(500, 'Use an issuer URL of at most 500 characters.')
  .pipe(z.url({ message: 'Enter the issuer URL, for example https://accounts.google.com.' }))
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  }, 'The issuer URL must start with https://.')
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'The issuer URL has no ? or # part.');

/**
 * The provider's part of the redirect URI. It starts with a letter, so it never looks like
 * the numeric id that providers added before slugs keep as theirs.
 */
export const ZSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'Use 2 to 40 lowercase letters, digits and hyphens, starting with a letter.');

/** Add or edit an identity provider. On an edit, a blank client secret keeps the stored one. */
export const ZSaveIdentityProviderInput = z.object({
  id: z.number().int().positive().optional(),
  /** Required when adding; a saved provider keeps its slug (the provider has its redirect URI). */
  slug: ZSlug.optional(),
  kind: z.enum(IDP_KINDS),
  displayName: z.string().trim().min(1, 'Enter the name shown on the button.').max(60, 'Use at most 60 characters.'),
  issuerUrl: ZIssuerUrl,
  clientId: z.string().trim().min(1, 'Enter the client ID.').max(500),
  clientSecret: z.string().trim().max(2000).default(''),
  tokenAuthMethod: z.enum(TOKEN_AUTH_METHODS).default('client_secret_post'),
  enabled: z.boolean().default(true),
  skipTwoFactor: z.boolean().default(true),
  hideSignInPage: z.boolean().default(false),
  /** null: staff do not use this provider. */
  staffMode: z.enum(SSO_MODES).nullable().default(null),
  emailDomains: z.array(ZDomain).max(50).default([]),
  companies: z.array(z.object({ companyId: z.number().int().positive(), mode: z.enum(SSO_MODES) })).max(10_000).default([]),
});
export type TSaveIdentityProviderInput = z.input<typeof ZSaveIdentityProviderInput>;

export const ZIdentityProviderIdInput = z.object({ id: z.number().int().positive('Unknown identity provider.') });

/** The single-use token the test sign-in's callback puts in the Single sign-on page's address. */
export const ZTestReportInput = z.object({ report: z.string().regex(/^[a-z2-7]{32}$/, 'This test has expired. Run it again.') });

/** The one-time token the callback puts in the sign-in page's address. */
export const ZResumeSsoInput = z.object({ handoff: z.string().regex(/^[a-z2-7]{32}$/, 'This sign-in has expired. Please sign in again.') });
