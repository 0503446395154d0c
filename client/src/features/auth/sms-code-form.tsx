import { createSignal, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { codeSubmitter } from './code-submit';
import type { TFactorFormProps } from './two-factor-step';

/**
 * Seed 003, "Authenticating with SMS": "Send SMS Code" texts a code to the cell phone on the
 * user's profile (shown only by its last digits), then the code is checked like an app code.
 */
export default function SmsCodeForm(props: TFactorFormProps) {
  const [ending, setEnding] = createSignal<string | null>(null);
  const [code, setCode] = createSignal('');
  let codeInput: HTMLInputElement | undefined;

  const send = () =>
    props.run(async () => {
      const res = await trpc.sms.sendCode.mutate({ pendingToken: props.pendingToken });
      setEnding(res.ending);
      setCode('');
      queueMicrotask(() => codeInput?.focus());
    });

  const submit = codeSubmitter(props, 'sms', code, setCode);

  return (
    <form onSubmit={submit} aria-busy={props.busy}>
      <Show
        when={ending()}
        fallback={<p class="muted">We will text a 6-digit code to the cell phone on your profile. It is valid for 5 minutes.</p>}
      >
        {(end) => (
          <p class="notice" role="status">
            We sent a code to your cell phone ending in {end()}. It is valid for 5 minutes; a new code replaces it.
          </p>
        )}
      </Show>
      <button type="button" class={ending() ? undefined : 'primary'} disabled={props.busy} onClick={send}>
        Send SMS Code
      </button>
      <Show when={ending()}>
        <label for="sms-code">Authentication Code</label>
        <input ref={codeInput} id="sms-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required
          aria-describedby="sms-code-help" value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
        <p id="sms-code-help" class="muted">
          No text message? Check the cell phone number on your profile, or choose another way to verify.
        </p>
        <button type="submit" class="primary" disabled={props.busy}>Verify</button>
      </Show>
    </form>
  );
}
