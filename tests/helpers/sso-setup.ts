import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { companies } from '../../db/schema/people';
import type { TPortico } from '../../server/app';
import { saveIdentityProvider, signingPublicKey } from '../../server/auth/sso/identity-providers';
import type { TSaveIdentityProviderInput } from '../../server/auth/sso/schemas';
import { asDemoUser } from './demo-actors';
import type { TTestIdp } from './oidc-idp';

export const companyId = async (portico: TPortico, name: string): Promise<number> => {
  const c = (await portico.base.db.select({ id: companies.id }).from(companies).where(eq(companies.name, name)))[0];
  if (!c) throw new Error(`no company ${name}`);
  return c.id;
};

/**
 * Adds the test identity provider to the portal the way a staff admin does (through the
 * service, so discovery is tried), and registers the portal's redirect URI at the provider.
 */
export async function addTestIdentityProvider(
  portico: TPortico,
  idp: TTestIdp,
  input: Partial<TSaveIdentityProviderInput> = {},
): Promise<{ id: number; slug: string; clientId: string; save(changes: Partial<TSaveIdentityProviderInput>): Promise<void> }> {
  const admin = await asDemoUser(portico.base, 'admin@demo-msp.test');
  const suffix = randomBytes(4).toString('hex');
  const clientId = `portico-${suffix}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const slug = input.slug ?? `test-idp-${suffix}`;
  let current: TSaveIdentityProviderInput = { kind: 'oidc', displayName: 'Test IdP', issuerUrl: idp.issuer, clientId, clientSecret, slug, ...input };
  const { id } = await saveIdentityProvider(admin, current, '127.0.0.1');
  const method = current.tokenAuthMethod ?? 'client_secret_post';
  const jwks = method === 'private_key_jwt' ? { keys: [(await signingPublicKey(portico.base, id))!] } : undefined;
  await idp.registerClient({ clientId, clientSecret, redirectUri: `${portico.base.settings.publicUrl}/auth/oidc/${slug}/callback`, tokenAuthMethod: method, jwks });
  return {
    id,
    slug,
    clientId,
    async save(changes) {
      // An edit leaves the secret blank: the stored one is kept.
      current = { ...current, ...changes, id, clientSecret: '' };
      await saveIdentityProvider(admin, current, '127.0.0.1');
    },
  };
}
