import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';
import { GOOGLE_ISSUER, IDP_PRESETS, microsoftIssuer, microsoftTenantOf, SIGN_IN_CHOICES, type TIdpKind, type TSignInChoice } from './sso-presets';

const modeOf = (c: TSignInChoice): 'both' | 'sso' | null => (c === 'password' ? null : c);

type TList = Awaited<ReturnType<typeof trpc.sso.identityProviders.query>>;
export type TIdp = TList['identityProviders'][number];

/** Add or edit one identity provider: preset, client, options, and who signs in with it. */
export function SsoProviderForm(props: { list: TList; idp: TIdp | null; onSaved: (message: string) => void; onCancel: () => void }) {
  const idp = props.idp;
  const { error, busy, run, fieldError } = createFormState();
  const [kind, setKind] = createSignal<TIdpKind>(idp?.kind ?? 'microsoft');
  const [name, setName] = createSignal(idp?.displayName ?? IDP_PRESETS.microsoft.button);
  const [tenant, setTenant] = createSignal(idp ? microsoftTenantOf(idp.issuerUrl) : '');
  const [issuer, setIssuer] = createSignal(idp?.issuerUrl ?? '');
  const choiceOf = (companyId: number): TSignInChoice => idp?.companies.find((c) => c.companyId === companyId)?.mode ?? 'password';
  const [staff, setStaff] = createSignal<TSignInChoice>(idp?.staffMode ?? 'password');
  const [choices, setChoices] = createSignal(new Map(props.list.companies.map((c) => [c.id, choiceOf(c.id)])));

  const pickKind = (k: TIdpKind) => {
    // Keep a name the admin typed; replace a preset's.
    if (Object.values(IDP_PRESETS).some((p) => p.button === name()) || !name()) setName(IDP_PRESETS[k].button);
    setKind(k);
  };
  const issuerUrl = () => (kind() === 'google' ? GOOGLE_ISSUER : kind() === 'microsoft' ? microsoftIssuer(tenant()) : issuer().trim());

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      const res = await trpc.sso.save.mutate({
        id: idp?.id,
        kind: kind(),
        displayName: name(),
        issuerUrl: issuerUrl(),
        clientId: String(form.get('clientId') ?? ''),
        clientSecret: String(form.get('clientSecret') ?? ''),
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
      const uri = props.list.redirectUriPattern.replace('<id>', String(res.id));
      props.onSaved(`Saved ${name()}. Register this redirect URI at the provider: ${uri}`);
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
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <form onSubmit={save} aria-busy={busy()}>
        <label for="idp-kind">Identity provider</label>
        <select id="idp-kind" value={kind()} onChange={(e) => pickKind(e.currentTarget.value as TIdpKind)}>
          <For each={Object.entries(IDP_PRESETS)}>{([k, p]) => <option value={k}>{p.label}</option>}</For>
        </select>
        <label for="idp-name">Button name</label>
        <input id="idp-name" required maxLength={60} value={name()} onInput={(e) => setName(e.currentTarget.value)} aria-describedby="idp-name-help" />
        <p id="idp-name-help" class="muted">The sign-in page shows "Continue with {name() || '…'}".</p>
        {fieldError('displayName') && <p class="field-error">{fieldError('displayName')}</p>}
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
        <p id="idp-issuer-help" class="muted">{IDP_PRESETS[kind()].issuerHelp}</p>
        {fieldError('issuerUrl') && <p class="field-error" role="alert">{fieldError('issuerUrl')}</p>}
        <label for="idp-client-id">Client ID</label>
        <input id="idp-client-id" name="clientId" required value={idp?.clientId ?? ''} autocomplete="off" />
        {fieldError('clientId') && <p class="field-error">{fieldError('clientId')}</p>}
        <label for="idp-client-secret">Client secret</label>
        <input id="idp-client-secret" name="clientSecret" type="password" autocomplete="new-password" required={!idp}
          placeholder={idp ? 'Saved; leave blank to keep it' : ''} />
        {fieldError('clientSecret') && <p class="field-error">{fieldError('clientSecret')}</p>}
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
        <Show when={idp} fallback={<p class="muted">After saving, register the redirect URI shown at the provider: <code>{props.list.redirectUriPattern}</code></p>}>
          {(i) => (
            <p class="muted">
              Redirect URI to register at the provider: <code>{i().redirectUri}</code>
              <br />
              Initiate login URI (for the provider's app dashboard): <code>{i().initiateLoginUri}</code>
            </p>
          )}
        </Show>
        <button type="submit" class="primary" disabled={busy()}>Save identity provider</button>{' '}
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </form>
    </section>
  );
}
