import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { errorMessage, trpc } from '../../../lib/trpc';
import { IDP_PRESETS } from './sso-presets';
import { SsoProviderForm, type TIdp } from './sso-provider-form';
import { SsoTestReport, type TTestReport } from './sso-test-report';

const MODE_WORDS = { both: 'Password or SSO', sso: 'SSO only' } as const;

/**
 * Staff admins: single sign-on with OpenID Connect (seed 002: Microsoft, Google, Authentik,
 * any OIDC). Secrets are write-only: the page never receives them back.
 */
export default function SsoPage() {
  const [list, { refetch }] = createResource(() => trpc.sso.identityProviders.query());
  const [editing, setEditing] = createSignal<TIdp | 'new' | null>(null);
  const [removing, setRemoving] = createSignal<TIdp | null>(null);
  const [message, setMessage] = createSignal('');
  const [error, setError] = createSignal('');

  const [report, setReport] = createSignal<TTestReport | null>(null);

  // Back from a test sign-in: read its report (once) and take the token out of the address.
  onMount(() => {
    const token = new URLSearchParams(window.location.search).get('report');
    if (token === null) return;
    window.history.replaceState(null, '', window.location.pathname);
    trpc.sso.testReport.mutate({ report: token }).then(setReport, (err: unknown) => setError(errorMessage(err)));
  });
  const testSignIn = async (idp: TIdp) => {
    setError('');
    try {
      // The admin's own browser goes through the provider; nobody is signed in by it.
      window.location.assign((await trpc.sso.startTest.mutate({ id: idp.id })).url);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const usedBy = (l: NonNullable<ReturnType<typeof list>>, idp: TIdp): string[] => [
    ...(idp.staffMode ? [`Staff of ${l.providerName}: ${MODE_WORDS[idp.staffMode]}`] : []),
    ...idp.companies.map((c) => `${l.companies.find((x) => x.id === c.companyId)?.name ?? 'Archived company'}: ${MODE_WORDS[c.mode]}`),
  ];

  const saved = async (text: string) => {
    setEditing(null);
    setMessage(text);
    await refetch();
  };
  const remove = async (idp: TIdp) => {
    setError('');
    try {
      await trpc.sso.remove.mutate({ id: idp.id });
      setRemoving(null);
      setMessage(`Removed ${idp.displayName}. Its sessions were ended; its people sign in with their password.`);
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <>
      <h1>Single sign-on</h1>
      <p class="muted">
        Let people sign in with Microsoft, Google, Authentik or any OpenID Connect provider. A sign-in matches the provider's verified email to a
        portal account's primary email.
      </p>
      <Show when={message()}><p class="notice" role="status">{message()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={report()}>{(r) => <SsoTestReport report={r()} onClose={() => setReport(null)} />}</Show>
      <Show when={list()}>
        {(l) => (
          <>
            <Show when={editing()} fallback={<button type="button" class="primary" onClick={() => { setMessage(''); setEditing('new'); }}>Add identity provider</button>}>
              {(e) => <SsoProviderForm list={l()} idp={e() === 'new' ? null : (e() as TIdp)} onSaved={(t) => void saved(t)} onCancel={() => setEditing(null)} />}
            </Show>
            <h2>Identity providers</h2>
            <Show when={l().identityProviders.length > 0} fallback={<p class="muted">None yet: everyone signs in with a password.</p>}>
              <ul class="rows" aria-label="Identity providers">
                <For each={l().identityProviders}>
                  {(idp) => (
                    <li>
                      <strong>{idp.displayName}</strong> <span class="muted">{IDP_PRESETS[idp.kind].label} · {idp.issuerUrl}</span>{' '}
                      <span>{idp.enabled ? 'Enabled' : 'Turned off'}</span>{' '}
                      <span class="muted">· {idp.linkedUsers} linked {idp.linkedUsers === 1 ? 'person' : 'people'}</span>
                      <br />
                      <span class="muted">Redirect URI: <code>{idp.redirectUri}</code></span>
                      <br />
                      <span class="muted">Token endpoint authentication: <code>{idp.tokenAuthMethod}</code></span>
                      <ul aria-label={`Who signs in with ${idp.displayName}`}>
                        <For each={usedBy(l(), idp)} fallback={<li class="muted">Nobody yet: choose companies (or your staff) under Edit.</li>}>
                          {(u) => <li>{u}</li>}
                        </For>
                      </ul>
                      <button type="button" onClick={() => void testSignIn(idp)} aria-label={`Test sign-in with ${idp.displayName}`}>Test sign-in</button>{' '}
                      <button type="button" onClick={() => { setMessage(''); setEditing(idp); }} aria-label={`Edit ${idp.displayName}`}>Edit</button>{' '}
                      <button type="button" onClick={() => setRemoving(idp)} aria-label={`Remove ${idp.displayName}`}>Remove</button>
                      <Show when={removing()?.id === idp.id}>
                        <p role="alert">
                          Remove {idp.displayName}? Sessions it opened end, and its people sign in with their password.{' '}
                          <button type="button" class="danger" onClick={() => void remove(idp)}>Remove {idp.displayName}</button>{' '}
                          <button type="button" onClick={() => setRemoving(null)}>Keep it</button>
                        </p>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </>
  );
}
