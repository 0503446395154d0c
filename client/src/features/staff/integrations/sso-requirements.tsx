import { Show } from 'solid-js';
import type { TIdp, TList } from './sso-provider-form';
import type { TTokenAuthMethod } from './sso-presets';

/** What the provider must be set up to give the portal, beside the form (so nothing is guessed). */
export function SsoRequirements(props: { list: TList; idp: TIdp | null; method: TTokenAuthMethod }) {
  return (
    <aside class="muted" aria-labelledby="idp-needs-title">
      <h3 id="idp-needs-title">What the portal asks the provider for</h3>
      <dl>
        <dt>Scopes</dt>
        <dd><code>{props.list.scopes}</code></dd>
        <dt>Token endpoint authentication</dt>
        <dd><code>{props.method}</code></dd>
        <dt>Claims</dt>
        <dd>
          <code>sub</code>, <code>email</code>, and <code>email_verified: true</code> (Microsoft Entra ID: the optional claim <code>xms_edov</code>);
          an unverified email never matches an account. <code>name</code> is shown in tests.
        </dd>
        <dt>Flow</dt>
        <dd>Authorization code with PKCE (S256)</dd>
        <Show when={props.method === 'private_key_jwt'}>
          <dt>Public key</dt>
          <dd>
            <Show when={props.idp?.publicJwk} fallback={<>Made when you save; its JWKS URL will be <code>{props.list.jwksUriPattern.replace('<slug>', props.idp?.slug ?? '<slug>')}</code>.</>}>
              Register this key (JWK) at the provider, or its JWKS URL <code>{props.idp!.jwksUri}</code>:
              <pre aria-label="Public key (JWK)">{props.idp!.publicJwk}</pre>
            </Show>
          </dd>
        </Show>
      </dl>
    </aside>
  );
}
