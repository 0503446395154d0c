import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { refetchMe } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { announce } from '../../ui/announcer';
import TwoFactorStep, { type TSignInResult as TResult } from './two-factor-step';
import { isLocalSignIn, SsoButtons, SsoOnlyNote, useSsoReturn } from './sso-buttons';
import { PasskeySignInButton } from './passkey-sign-in-button';
import { formatDateTime } from '../../lib/dates';

type TTwoFactor = Extract<TResult, { kind: 'two-factor' }>;
type TAccount = Extract<TResult, { kind: 'signed-in' }>['accounts'][number];
type TLimit = Extract<TResult, { kind: 'session-limit' }>;
const DEVICE = { desktop: 'Desktop', tablet: 'Tablet', mobile: 'Mobile' } as const;
const REMEMBER_KEY = 'portico.rememberedEmail';
const LIMIT_HELP = 'You are signed in on too many devices. End one of these sessions to continue, or cancel.';

/** Email-first sign-in (seed 002): Email address → Continue → Password → Sign in → choose account. */
export default function SignInPage() {
  const remembered = localStorage.getItem(REMEMBER_KEY) ?? '';
  const [step, setStep] = createSignal<'email' | 'password' | 'choose' | 'limit' | 'two-factor'>('email');
  const [twoFactor, setTwoFactor] = createSignal<TTwoFactor | null>(null);
  const [pageInfo] = createResource(() => trpc.auth.page.query().catch(() => null));
  const [limit, setLimit] = createSignal<TLimit | null>(null);
  const [email, setEmail] = createSignal(remembered);
  const [remember, setRemember] = createSignal(!!remembered);
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [accounts, setAccounts] = createSignal<TAccount[]>([]);
  // What the email step offers this address: "Continue with <provider>" buttons and/or the password form.
  const [options, setOptions] = createSignal<Awaited<ReturnType<typeof trpc.auth.start.mutate>>>({ email: '', password: true, sso: [] });
  const passwordShown = () => options().password || isLocalSignIn();
  const notice = sessionStorage.getItem('portico.notice');
  sessionStorage.removeItem('portico.notice');

  const run = async (fn: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enter = async () => {
    await refetchMe();
    location.assign('/');
  };

  const submitEmail = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await trpc.auth.start.mutate({ email: email() });
      setOptions(res);
      if (remember()) localStorage.setItem(REMEMBER_KEY, res.email);
      else localStorage.removeItem(REMEMBER_KEY);
      setStep('password');
    });
  };

  const submitPassword = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await trpc.auth.signInWithPassword.mutate({ email: email(), password: password() });
      setPassword('');
      await afterPassword(res);
    });
  };

  const afterPassword = async (res: TResult) => {
    if (res.kind === 'session-limit') {
      setLimit(res);
      setStep('limit');
      return;
    }
    if (res.kind === 'two-factor') {
      setTwoFactor(res);
      setStep('two-factor');
      return;
    }
    if (res.chosen) return enter();
    setAccounts(res.accounts);
    setStep('choose');
  };

  const endAndContinue = (ref: string) =>
    void run(async () => {
      const res = await trpc.auth.continueAfterSessionLimit.mutate({ pendingToken: limit()!.pendingToken, sessionRef: ref });
      await afterPassword(res);
    });

  const choose = (a: TAccount) =>
    void run(async () => {
      await trpc.auth.chooseAccount.mutate({ kind: a.kind, id: a.id });
      await enter();
    });

  // "Too many active sessions" needs an answer before anything else: focus goes to it, and it is spoken at once.
  let limitHeading: HTMLHeadingElement | undefined;
  createEffect(on(step, (s) => {
    if (s !== 'limit') return;
    limitHeading?.focus();
    announce(`Too many active sessions. ${LIMIT_HELP}`, 'assertive');
  }, { defer: true }));

  // Back from an identity provider (/sign-in?sso=…), or straight to one that hides this page.
  useSsoReturn({ run, onResult: afterPassword, onError: setError });

  return (
    <main class="auth-page">
      <section class="auth-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <Show when={notice}>
          <p class="notice" role="alert">{notice}</p>
        </Show>
        <Show when={error()}>
          <p class="error" role="alert">{error()}</p>
        </Show>
        <Switch>
          <Match when={step() === 'email'}>
            <form onSubmit={submitEmail} aria-busy={busy()}>
              <label for="email">Email address</label>
              <input id="email" name="email" type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
              <label class="check">
                <input type="checkbox" checked={remember()} onChange={(e) => setRemember(e.currentTarget.checked)} /> Remember my email
              </label>
              <button type="submit" class="primary" disabled={busy()}>Continue</button>
            </form>
            <PasskeySignInButton busy={busy()} run={(fn) => void run(fn)} onResult={afterPassword} />
            <p class="muted">Don't have an account? <a href="/request-access">Request access</a></p>
          </Match>
          <Match when={step() === 'password'}>
            <SsoButtons buttons={options().sso} passwordShown={passwordShown()} />
            <Show when={passwordShown()} fallback={<SsoOnlyNote email={email()} onChange={() => setStep('email')} />}>
            <form onSubmit={submitPassword} aria-busy={busy()}>
              <p class="muted">
                Signing in as <strong>{email()}</strong>{' '}
                <button type="button" class="link" onClick={() => setStep('email')}>Change</button>
              </p>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
              <button type="submit" class="primary" disabled={busy()}>Sign in</button>
              {/* The typed email goes along in history state, not the URL (kept out of logs and Referer). */}
              <p><A href="/forgot-password" state={{ email: email() }}>Forgot password?</A></p>
            </form>
            </Show>
          </Match>
          <Match when={step() === 'two-factor'}>
            <Show when={twoFactor()}>
              {(tf) => (
                <TwoFactorStep pendingToken={tf().pendingToken} methods={tf().methods} busy={busy()} run={(fn) => void run(fn)} onResult={afterPassword} />
              )}
            </Show>
          </Match>
          <Match when={step() === 'limit'}>
            <h2 ref={limitHeading} tabIndex={-1}>Too many active sessions</h2>
            <p class="muted">{LIMIT_HELP}</p>
            <ul class="rows">
              <For each={limit()?.sessions}>
                {(s) => (
                  <li>
                    <strong>{DEVICE[s.deviceClass]} · {s.browser}</strong>{' '}
                    <span class="muted">{s.ip} · signed in {formatDateTime(s.createdAt)} · last active {formatDateTime(s.lastActiveAt)}</span>{' '}
                    <button type="button" disabled={busy()} onClick={() => endAndContinue(s.ref)}
                      aria-label={`End session: ${DEVICE[s.deviceClass]} ${s.browser}, signed in ${formatDateTime(s.createdAt)}, last active ${formatDateTime(s.lastActiveAt)}`}>
                      End session
                    </button>
                  </li>
                )}
              </For>
            </ul>
            <button type="button" onClick={() => { setLimit(null); setStep('email'); }}>Cancel</button>
          </Match>
          <Match when={step() === 'choose'}>
            <h2>Choose an account</h2>
            <p class="muted">Your email address belongs to several accounts. Which one do you want to use?</p>
            <ul class="choices">
              <For each={accounts()}>
                {(a) => (
                  <li>
                    <button type="button" onClick={() => choose(a)} disabled={busy()}>
                      <strong>{a.label}</strong> <span class="muted">{a.detail}</span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Match>
        </Switch>
      </section>
      <Show when={pageInfo()?.systemStatusUrl}>
        {(url) => (
          <p class="status-link">
            <a href={url()} target="_blank" rel="noopener noreferrer">System Status</a>
          </p>
        )}
      </Show>
    </main>
  );
}
