/** The identity providers seed 002 names, and how each one's issuer URL is made. */
export type TIdpKind = 'microsoft' | 'google' | 'authentik' | 'oidc';

export const IDP_PRESETS: Record<TIdpKind, { label: string; button: string; issuerHelp: string }> = {
  microsoft: {
    label: 'Microsoft Entra ID',
    button: 'Microsoft',
    issuerHelp: 'From the app registration: the Directory (tenant) ID. The issuer is https://login.microsoftonline.com/<tenant>/v2.0.',
  },
  google: { label: 'Google', button: 'Google', issuerHelp: 'Google’s issuer is always https://accounts.google.com.' },
  authentik: {
    label: 'Authentik',
    button: 'Authentik',
    issuerHelp: 'The provider’s "OpenID Configuration Issuer", such as https://auth.example.com/application/o/portal/.',
  },
  oidc: { label: 'Other OpenID Connect provider', button: '', issuerHelp: 'The issuer URL; the portal reads <issuer>/.well-known/openid-configuration.' },
};

export const GOOGLE_ISSUER = 'https://accounts.google.com';
const MS_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0\/?$/;

export const microsoftIssuer = (tenant: string): string => `https://login.microsoftonline.com/${tenant.trim()}/v2.0`;
export const microsoftTenantOf = (issuer: string): string => MS_ISSUER.exec(issuer)?.[1] ?? '';

/** "Password only" means the provider does not apply; the other two are stored per company (and for staff). */
export type TSignInChoice = 'password' | 'both' | 'sso';
export const SIGN_IN_CHOICES: { value: TSignInChoice; label: (name: string) => string }[] = [
  { value: 'password', label: () => 'Password only' },
  { value: 'both', label: (n) => `Password or ${n || 'single sign-on'}` },
  { value: 'sso', label: (n) => `${n || 'Single sign-on'} only (SSO enforced)` },
];

export type TTokenAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';
/** How the portal authenticates at the token endpoint; providers differ in what they accept. */
export const TOKEN_AUTH_METHODS: { value: TTokenAuthMethod; label: string; help: string }[] = [
  { value: 'client_secret_post', label: 'Client secret in the request body (client_secret_post)', help: 'The usual choice: Microsoft, Google and Authentik accept it.' },
  { value: 'client_secret_basic', label: 'Client secret in HTTP Basic (client_secret_basic)', help: 'For providers that accept the secret only in the Authorization header.' },
  {
    value: 'private_key_jwt',
    label: 'Signed with a key pair the portal makes (private_key_jwt)',
    help: 'No client secret: the portal signs its requests. After saving, register the public key shown (or its JWKS URL) at the provider.',
  },
];

/** A redirect URI name from a button name ("Acme Login" → "acme-login"); it must start with a letter. */
export const slugOf = (name: string): string =>
  name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
