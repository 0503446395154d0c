import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';
import { SsoRequirements } from './sso-requirements';
import {
  GOOGLE_ISSUER, IDP_PRESETS, microsoftIssuer, microsoftTenantOf, SIGN_IN_CHOICES, slugOf, TOKEN_AUTH_METHODS, type TIdpKind, type TSignInChoice, type TTokenAuthMethod,
} from './sso-presets';

const SHOWN_BY_FIELD = ['displayName', 'slug', 'issuerUrl', 'clientId', 'clientSecret', 'emailDomains'];
const modeOf = (c: TSignInChoice): 'both' | 'sso' | null => (c === 'password' ? null : c);

export type TList = Awaited<ReturnType<typeof trpc.sso.identityProviders.query>>;
export type TIdp = TList['identityProviders'][number];

/** Add or edit one identity provider: preset, client, options, and who signs in with it. */
export function SsoProviderForm(props: { list: TList; idp: TIdp | null; onSaved: (message: string) => void; onCancel: () => void }) {
  const idp = props.idp;
  const { error, errors, busy, run, fieldError } = createFormState();
  // A new provider starts with none chosen: no preset's name fills the button before the admin picks.
  const [kind, setKind] = createSignal<TIdpKind | ''>(idp?.kind ?? '');
  const [name, setName] = createSignal(idp?.displayName ?? '');
  // Whatever the admin typed stays when they change the provider; only a preset's name is replaced.
  const [nameTyped, setNameTyped] = createSignal(!!idp);
  const [slug, setSlug] = createSignal(idp?.slug ?? '');
  const [slugTyped, setSlugTyped] = createSignal(!!idp);
  const [method, setMethod] = createSignal<TTokenAuthMethod>(idp?.tokenAuthMethod ?? 'client_secret_post');
  const [tenant, setTenant] = createSignal(idp ? microsoftTenantOf(idp.issuerUrl) : '');
  const [issuer, setIssuer] = createSignal(idp?.issuerUrl ?? '');
  const choiceOf = (companyId: number): TSignInChoice => idp?.companies.find((c) => c.companyId === companyId)?.mode ?? 'password';
  const [staff, setStaff] = createSignal<TSignInChoice>(idp?.staffMode ?? 'password');
  const [choices, setChoices] = createSignal(new Map(props.list.companies.map((c) => [c.id, choiceOf(c.id)])));

  const typeName = (v: string) => {
    setName(v);
    setNameTyped(v.trim() !== '');
    if (!slugTyped()) setSlug(slugOf(v));
  };
  const pickKind = (k: TIdpKind) => {
    // Keep a name the admin typed; replace a preset's (the generic provider has none).
    if (!nameTyped()) {
      setName(IDP_PRESETS[k].button);
      if (!slugTyped()) setSlug(slugOf(IDP_PRESETS[k].button));
    }
    setKind(k);
  };
  const redirectUri = () => props.list.redirectUriPattern.replace('<slug>', slug() || '…');
  /** An error for a field on this form shows beside it only (once); the line at the top is for the rest. */
  const topError = () => (Object.keys(errors()).some((f) => SHOWN_BY_FIELD.includes(f)) ? '' : error());
  const issuerUrl = () => (kind() === 'google' ? GOOGLE_ISSUER : kind() === 'microsoft' ? microsoftIssuer(tenant()) : issuer().trim());

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      const res = await trpc.sso.save.mutate({
        id: idp?.id,
        slug: idp ? undefined : slug(),
        tokenAuthMethod: method(),
        kind: kind() as TIdpKind,
        displayName: name(),
        issuerUrl: issuerUrl(),
        clientId: String(form.get('clientId') ?? ''),
        clientSecret: method() === 'private_key_jwt' ? '' : String(form.get('clientSecret') ?? ''),
        enabled: form.get('enabled') === 'on',
        skipTwoFactor: form.get('skipTwoFactor') === 'on',
        hideSignInPage: form.get('hideSignInPage') === 'on',
        staffMode: modeOf(staff()),
        emailDomains: String(form.get('emailDomains') ?? '').split(/[\s,]+/).filter(Boolean),
        companies: [...choices()].flatMap(([companyId, c]) => {
          const mode = modeOf(c);
          return mode ? [{ companyId, mode }] : [];
        }),
      });
      void res;
      props.onSaved(`Saved ${name()}. Register this redirect URI at the provider: ${redirectUri()}`);
      return '';
    });
  };

  const choiceSelect = (label: string, value: TSignInChoice, set: (c: TSignInChoice) => void) => (
    <select aria-label={`Sign-in options for ${label}`} value={value} onChange={(e) => set(e.currentTarget.value as TSignInChoice)}>
      <For each={SIGN_IN_CHOICES}>{(c) => <option value={c.value}>{c.label(name())}</option>}</For>
    </select>
  );

  return (
    <section class="card" aria-labelledby="idp-form-title">
      <h2 id="idp-form-title">{idp ? `Edit ${idp.displayName}` : 'Add identity provider'}</h2>
      <Show when={topError()}><p class="error" role="alert">{topError()}</p></Show>
      <SsoRequirements list={props.list} idp={idp} method={method()} />
      <form onSubmit={save} aria-busy={busy()}>
        <label for="idp-kind">Identity provider</label>
        <select id="idp-kind" required value={kind()} onChange={(e) => pickKind(e.currentTarget.value as TIdpKind)}>
          <option value="" disabled>Choose the identity provider</option>
          <For each={Object.entries(IDP_PRESETS)}>{([k, p]) => <option value={k}>{p.label}</option>}</For>
        </select>
        <label for="idp-name">Button name</label>
        <input id="idp-name" required maxLength={60} value={name()} onInput={(e) => typeName(e.currentTarget.value)} aria-describedby="idp-name-help" />
        <p id="idp-name-help" class="muted">The sign-in page shows "Continue with {name() || '…'}".</p>
        {fieldError('displayName') && <p class="field-error">{fieldError('displayName')}</p>}
        <Show
          when={!idp}
          fallback={<p class="muted">Redirect URI to register at the provider: <code>{idp!.redirectUri}</code></p>}
        >
          <label for="idp-slug">Name in the redirect URI</label>
          <input id="idp-slug" required maxLength={40} value={slug()} aria-describedby="idp-slug-help"
            onInput={(e) => { setSlug(e.currentTarget.value.toLowerCase()); setSlugTyped(true); }} />
          <p id="idp-slug-help" class="muted">
            Register this redirect URI at the provider before you save (it cannot change later): <code>{redirectUri()}</code>
          </p>
          {fieldError('slug') && <p class="field-error" role="alert">{fieldError('slug')}</p>}
        </Show>
        <Switch>
          <Match when={kind() === 'microsoft'}>
            <label for="idp-tenant">Directory (tenant) ID</label>
            <input id="idp-tenant" required value={tenant()} onInput={(e) => setTenant(e.currentTarget.value)} aria-describedby="idp-issuer-help" />
          </Match>
          <Match when={kind() === 'google'}>
            <p class="muted">Issuer URL: {GOOGLE_ISSUER}</p>
          </Match>
          <Match when={true}>
            <label for="idp-issuer">Issuer URL</label>
            <input id="idp-issuer" type="url" required value={issuer()} onInput={(e) => setIssuer(e.currentTarget.value)} aria-describedby="idp-issuer-help" />
          </Match>
        </Switch>
        <p id="idp-issuer-help" class="muted">{IDP_PRESETS[kind() || 'oidc'].issuerHelp}</p>
        {fieldError('issuerUrl') && <p class="field-error" role="alert">{fieldError('issuerUrl')}</p>}
        <label for="idp-client-id">Client ID</label>
        <input id="idp-client-id" name="clientId" required value={idp?.clientId ?? ''} autocomplete="off" />
        {fieldError('clientId') && <p class="field-error">{fieldError('clientId')}</p>}
        <label for="idp-auth-method">Token endpoint authentication</label>
        <select id="idp-auth-method" value={method()} onChange={(e) => setMethod(e.currentTarget.value as TTokenAuthMethod)} aria-describedby="idp-auth-help">
          <For each={TOKEN_AUTH_METHODS}>{(m) => <option value={m.value}>{m.label}</option>}</For>
        </select>
        <p id="idp-auth-help" class="muted">{TOKEN_AUTH_METHODS.find((m) => m.value === method())!.help}</p>
        <Show when={method() !== 'private_key_jwt'}>
          <label for="idp-client-secret">Client secret</label>
          <input id="idp-client-secret" name="clientSecret" type="password" autocomplete="new-password" required={!idp || idp.tokenAuthMethod === 'private_key_jwt'}
            placeholder={idp && idp.tokenAuthMethod !== 'private_key_jwt' ? 'Saved; leave blank to keep it' : ''} />
          {fieldError('clientSecret') && <p class="field-error">{fieldError('clientSecret')}</p>}
        </Show>
        <label class="check"><input type="checkbox" name="enabled" checked={idp?.enabled ?? true} /> Enabled</label>
        <label class="check">
          <input type="checkbox" name="skipTwoFactor" checked={idp?.skipTwoFactor ?? true} /> Skip the portal's own two-factor authentication
          (the identity provider handles it)
        </label>
        <label class="check">
          <input type="checkbox" name="hideSignInPage" checked={idp?.hideSignInPage ?? false} /> Hide the sign-in page and go straight to this
          identity provider
        </label>
        <p class="muted">Staff administrators can still open the sign-in page at /sign-in?local=1.</p>
        <label for="idp-domains">Email domains</label>
        <input id="idp-domains" name="emailDomains" value={idp?.emailDomains.join(', ') ?? ''} aria-describedby="idp-domains-help" />
        <p id="idp-domains-help" class="muted">
          People whose email ends in these domains see the button, as do people of the companies below that have domains set. Your staff's
          domain goes here.
        </p>
        {fieldError('emailDomains') && <p class="field-error">{fieldError('emailDomains')}</p>}
        <fieldset>
          <legend>Who signs in with it</legend>
          <table class="list">
            <thead><tr><th>Accounts</th><th>Sign-in options</th></tr></thead>
            <tbody>
              <tr>
                <td data-label="Accounts">Staff of {props.list.providerName}</td>
                <td data-label="Sign-in options">{choiceSelect(`staff of ${props.list.providerName}`, staff(), setStaff)}</td>
              </tr>
              <For each={props.list.companies}>
                {(c) => (
                  <tr>
                    <td data-label="Accounts">{c.name} <span class="muted">{c.emailDomains.join(', ')}</span></td>
                    <td data-label="Sign-in options">
                      {choiceSelect(c.name, choices().get(c.id) ?? 'password', (v) => setChoices(new Map(choices()).set(c.id, v)))}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </fieldset>
        <Show when={idp}>
          {(i) => <p class="muted">Initiate login URI (for the provider's app dashboard): <code>{i().initiateLoginUri}</code></p>}
        </Show>
        <button type="submit" class="primary" disabled={busy()}>Save identity provider</button>{' '}
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </form>
    </section>
  );
}
