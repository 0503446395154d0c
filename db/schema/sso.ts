import { flag, id, index, int, json, primaryKey, table, text, timestamp, uniqueIndex } from './dialect';
import { companies, providers, users } from './people';
import { sessions } from './sessions';

export const IDP_KINDS = ['microsoft', 'google', 'authentik', 'oidc'] as const;
export type TIdpKind = (typeof IDP_KINDS)[number];
/** How an account signs in where an identity provider applies (seed 002): both ways, or SSO enforced. */
export const SSO_MODES = ['both', 'sso'] as const;
export type TSsoMode = (typeof SSO_MODES)[number];
/** How the portal authenticates at the provider's token endpoint (providers differ in what they accept). */
export const TOKEN_AUTH_METHODS = ['client_secret_post', 'client_secret_basic', 'private_key_jwt'] as const;
export type TTokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

/** An OpenID Connect identity provider an MSP has set up (seed 002: Microsoft, Google, Authentik, any OIDC). */
export const identityProviders = table(
  'identity_providers',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    /**
     * The provider's part of its redirect URI (`/auth/oidc/<slug>/callback`), chosen before the
     * first save so the admin can register it first. Providers added before slugs have their id.
     */
    slug: text('slug').notNull().default(''),
    kind: text('kind', { enum: IDP_KINDS }).notNull(),
    /** The button says "Continue with <displayName>". */
    displayName: text('display_name').notNull(),
    /** Discovery reads <issuer>/.well-known/openid-configuration; ID tokens must carry exactly this `iss`. */
    issuerUrl: text('issuer_url').notNull(),
    clientId: text('client_id').notNull(),
    /** Sealed with SECRET_KEY (server/core/secret-box.ts); never sent back to a browser. */
    clientSecretSealed: text('client_secret_sealed').notNull(),
    tokenAuthMethod: text('token_auth_method', { enum: TOKEN_AUTH_METHODS }).notNull().default('client_secret_post'),
    /** private_key_jwt: the portal's own signing key (PKCS#8 PEM), sealed; its public half is served as a JWKS. */
    signingKeySealed: text('signing_key_sealed'),
    enabled: flag('enabled').notNull().default(true),
    /** Seed 001: 2FA set up before SSO is ignored when signing in through the provider. */
    skipTwoFactor: flag('skip_two_factor').notNull().default(true),
    /** Seed 000: the sign-in page is hidden and /sign-in goes straight to this provider. */
    hideSignInPage: flag('hide_sign_in_page').notNull().default(false),
    /** Whether the MSP's own staff may (or must) sign in through it; null: not at all. */
    staffMode: text('staff_mode', { enum: SSO_MODES }),
    /** Email domains that see the button beside those of the companies it applies to. */
    emailDomains: json<string[]>('email_domains').notNull().default([]),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('identity_providers_provider').on(t.providerId), uniqueIndex('identity_providers_slug').on(t.slug)],
);

/** The client companies an identity provider applies to, each with its sign-in options. */
export const identityProviderCompanies = table(
  'identity_provider_companies',
  {
    idpId: int('idp_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    companyId: int('company_id')
      .notNull()
      .references(() => companies.id),
    mode: text('mode', { enum: SSO_MODES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.idpId, t.companyId] }), index('identity_provider_companies_company').on(t.companyId)],
);

/** A provider's `sub` bound to a login identity at first sign-in; later sign-ins follow it, not the email. */
export const ssoLinks = table(
  'sso_links',
  {
    id: id(),
    idpId: int('idp_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    userId: int('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at').notNull(),
    lastUsedAt: timestamp('last_used_at').notNull(),
  },
  (t) => [uniqueIndex('sso_links_idp_subject').on(t.idpId, t.subject), index('sso_links_user').on(t.userId)],
);

/**
 * One started sign-in (10 minutes, used once): state, nonce and PKCE verifier, bound to the
 * browser by a cookie. Keyed by the SHA-256 of the state; the verifier is sealed.
 */
export const ssoLoginStates = table(
  'sso_login_states',
  {
    stateHash: text('state_hash').primaryKey(),
    idpId: int('idp_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    browserHash: text('browser_hash').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifierSealed: text('code_verifier_sealed').notNull(),
    /** A path on the portal to open afterwards (from an IdP-initiated `target_link_uri`). */
    returnTo: text('return_to'),
    /** "Test sign-in": the staff admin who started it; the callback reports instead of signing in. */
    testByUserId: int('test_by_user_id'),
    expiresAt: timestamp('expires_at').notNull(),
  },
  (t) => [index('sso_login_states_expires').on(t.expiresAt)],
);

/** What the callback hands to the sign-in page (next step or a message): a single-use token, 2 minutes. */
export const ssoHandoffs = table('sso_handoffs', {
  tokenHash: text('token_hash').primaryKey(),
  payloadSealed: text('payload_sealed').notNull(),
  expiresAt: timestamp('expires_at').notNull(),
});

/** Sessions opened through an identity provider: they may only use the accounts it applies to. */
export const ssoSessions = table('sso_sessions', {
  sessionId: text('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  idpId: int('idp_id')
    .notNull()
    .references(() => identityProviders.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at').notNull(),
});

export type TIdentityProvider = typeof identityProviders.$inferSelect;
