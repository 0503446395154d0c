import { For, onMount, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import type { TSignInResult } from './two-factor-step';

type TSsoButton = Awaited<ReturnType<typeof trpc.auth.start.mutate>>['sso'][number];

/** "/sign-in?local=1": the sign-in page with the password form, even where a provider hides it or SSO is enforced (staff administrators). */
export const isLocalSignIn = (): boolean => new URLSearchParams(location.search).has('local');

/** Seed 002: "Continue with <provider>" for each identity provider offered to this address. */
export function SsoButtons(props: { buttons: TSsoButton[]; passwordShown: boolean }) {
  return (
    <Show when={props.buttons.length > 0}>
      <div class="sso-buttons">
        <For each={props.buttons}>
          {(b) => (
            <button type="button" class="sso" onClick={() => location.assign(b.url)}>
              Continue with {b.name}
            </button>
          )}
        </For>
        <Show when={props.passwordShown}><p class="muted">or enter your password</p></Show>
      </div>
    </Show>
  );
}

/** Shown instead of the password form when SSO is enforced for the address. */
export function SsoOnlyNote(props: { email: string; onChange: () => void }) {
  return (
    <p class="muted">
      Signing in as <strong>{props.email}</strong>{' '}
      <button type="button" class="link" onClick={() => props.onChange()}>Change</button>
      <br />
      Your service provider has set up single sign-on for this address.
    </p>
  );
}

/**
 * On the sign-in page: continue what the SSO callback left (/sign-in?sso=<token>: the
 * two-factor step, "Too many active sessions", "Choose an account", or why it failed), or,
 * when a provider hides the sign-in page, go to it (seed 000) unless ?local=1.
 */
export function useSsoReturn(opts: {
  run: (fn: () => Promise<void>) => Promise<void>;
  onResult: (res: TSignInResult) => Promise<void>;
  onError: (message: string) => void;
}): void {
  onMount(() => {
    const params = new URLSearchParams(location.search);
    const handoff = params.get('sso');
    if (handoff) {
      // The token is single use; take it out of the address bar and history.
      params.delete('sso');
      history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
      void opts.run(async () => {
        const res = await trpc.sso.resume.mutate({ handoff });
        if (res.kind === 'error') opts.onError(res.message);
        else await opts.onResult(res);
      });
      return;
    }
    if (isLocalSignIn() || params.has('signed_out')) return;
    void trpc.sso.signInPage.query().then(
      (page) => {
        if (page.redirect) location.replace(page.redirect);
      },
      () => undefined,
    );
  });
}
