import { A, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, createSignal, Show } from 'solid-js';
import { liveSync, type TLiveEvent } from '../lib/live';
import { me, refetchMe } from '../lib/session';
import { trpc } from '../lib/trpc';
import { LiveIndicator } from './live-indicator';
import { MainNav } from './main-nav';
import { TwoFactorRequired } from '../features/account/two-factor-required';
import { PrivacyConsent } from '../features/privacy/privacy-consent';

const ENDED: Record<string, string> = {
  signed_out: 'You signed out.',
  ended_elsewhere: 'Your session was ended from another device.',
  ended_by_admin: 'Your session was ended by an administrator.',
  password_reset: 'Your password was reset, so your session was ended.',
  expired: 'Your session expired. Please sign in again.',
  access_revoked: 'Your portal access was turned off.',
};

/** The signed-in frame: navigation, the user's menu, the live indicator, session watch. */
export function Layout(props: RouteSectionProps) {
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = createSignal(false);
  // Our own Sign Out also ends the session; that event must not race our own navigation.
  let signingOut = false;

  createEffect(() => {
    if (me.state === 'ready' && (!me() || !me()!.account)) navigate('/sign-in', { replace: true });
  });

  // Every tab of this session hears at once when the session is ended anywhere. There is no
  // state to load: the stream's first event is an untracked "ready", and "session.ended" leaves.
  createEffect(() => {
    if (!me()?.account) return;
    liveSync<TLiveEvent>({
      subscribe: (lastEventId, handlers) => trpc.live.session.subscribe({ lastEventId }, handlers),
      apply: (ev) => {
        if (ev.kind === 'session.ended' && !signingOut) {
          const reason = String((ev.payload as { reason?: string }).reason ?? 'expired');
          sessionStorage.setItem('portico.notice', ENDED[reason] ?? ENDED.expired!);
          location.assign('/sign-in');
        }
      },
    });
  });

  const signOut = async () => {
    signingOut = true;
    await trpc.auth.signOut.mutate().catch(() => undefined);
    await refetchMe();
    // signed_out: a provider that hides the sign-in page must not sign the user straight back in.
    location.assign('/sign-in?signed_out=1');
  };

  return (
    <Show when={me()?.account} fallback={<main class="center"><p>Loading…</p></main>}>
      {(account) => (
        <div class="shell">
          <a class="skip" href="#main">Skip to content</a>
          <header class="topbar">
            <A href="/" class="brand">Client Portal</A>
            {/* Until a required second factor is set up nothing else works: set-up and Sign Out only. */}
            <Show when={!me()!.mustSetUpTwoFactor}><MainNav /></Show>
            <LiveIndicator />
            <Show when={!me()!.mustSetUpTwoFactor} fallback={<button type="button" onClick={signOut}>Sign Out</button>}>
            <div class="user-menu">
              <button type="button" aria-haspopup="menu" aria-expanded={menuOpen()} onClick={() => setMenuOpen(!menuOpen())}>
                {account().name}
              </button>
              <Show when={menuOpen()}>
                <ul role="menu" onClick={() => setMenuOpen(false)}>
                  <li role="none"><A role="menuitem" href="/account">Account</A></li>
                  <li role="none"><A role="menuitem" href="/account/two-factor">2-Factor Auth</A></li>
                  <li role="none"><button role="menuitem" type="button" onClick={signOut}>Sign Out</button></li>
                </ul>
              </Show>
            </div>
            </Show>
          </header>
          <main id="main" class="content">
            <Show when={!me()!.mustSetUpTwoFactor} fallback={<TwoFactorRequired />}>
              <Show when={!me()!.mustAcceptPrivacy} fallback={<PrivacyConsent onSignOut={signOut} />}>
                {props.children}
              </Show>
            </Show>
          </main>
        </div>
      )}
    </Show>
  );
}
