import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { codeSubmitter } from './code-submit';
import { SecurityKeyForm } from './security-key-form';
import SmsCodeForm from './sms-code-form';

export type TSignInResult = Awaited<ReturnType<typeof trpc.auth.signInWithPassword.mutate>>;
type TMethod = Extract<TSignInResult, { kind: 'two-factor' }>['methods'][number];

/** What a second-factor form needs: the pending sign-in, the shared busy/error runner, and where the result goes. */
export interface TFactorFormProps {
  pendingToken: string;
  rememberDevice: boolean;
  busy: boolean;
  run: (fn: () => Promise<void>) => void;
  onResult: (res: TSignInResult) => Promise<void>;
}

const LABELS: Record<TMethod, string> = {
  totp: 'Authenticator app',
  webauthn: 'Security key or passkey',
  sms: 'Text message (SMS)',
  recovery: 'Use a recovery code',
};

/** A six-digit (or recovery) code checked by auth.completeTwoFactor. */
function CodeForm(props: TFactorFormProps & { method: 'totp' | 'recovery' }) {
  const [code, setCode] = createSignal('');
  const submit = codeSubmitter(props, props.method, code, setCode);
  return (
    <form onSubmit={submit} aria-busy={props.busy}>
      <Show
        when={props.method === 'recovery'}
        fallback={
          <>
            <label for="totp-code">Enter the 6-digit code from your authenticator app</label>
            <input id="totp-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
          </>
        }
      >
        <label for="recovery-code">Recovery code</label>
        <input id="recovery-code" autocomplete="off" required value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
      </Show>
      <button type="submit" class="primary" disabled={props.busy}>Verify</button>
    </form>
  );
}

/**
 * The two-factor step (seed 002): the user picks among the methods they have. Each method's
 * form lives in its own component; they share "Remember this device for 30 days".
 */
export default function TwoFactorStep(props: Omit<TFactorFormProps, 'rememberDevice'> & { methods: TMethod[] }) {
  const [method, setMethod] = createSignal<TMethod>(props.methods[0] ?? 'totp');
  const [rememberDevice, setRememberDevice] = createSignal(false);
  const form = (): TFactorFormProps => ({ ...props, rememberDevice: rememberDevice() });
  return (
    <>
      <h2>Two-Factor Authentication</h2>
      <Show when={props.methods.length > 1}>
        <fieldset class="choices" role="radiogroup" aria-label="Verify with">
          <legend>Verify with</legend>
          <For each={props.methods}>
            {(m) => (
              <label class="check">
                <input type="radio" name="factor" value={m} checked={method() === m} onChange={() => setMethod(m)} /> {LABELS[m]}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <Switch>
        <Match when={method() === 'totp'}>
          <CodeForm {...form()} method="totp" />
        </Match>
        <Match when={method() === 'sms'}>
          <SmsCodeForm {...form()} />
        </Match>
        <Match when={method() === 'webauthn'}>
          <SecurityKeyForm {...form()} />
        </Match>
        <Match when={method() === 'recovery'}>
          <CodeForm {...form()} method="recovery" />
        </Match>
      </Switch>
      <label class="check remember-device">
        <input type="checkbox" checked={rememberDevice()} onChange={(e) => setRememberDevice(e.currentTarget.checked)} /> Remember this device for 30 days
      </label>
    </>
  );
}
