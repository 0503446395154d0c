import { createSignal, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { assertionOrRefusal } from '../../lib/webauthn';
import type { TFactorFormProps } from './two-factor-step';

/**
 * "Security key or passkey" on the two-factor step: the browser asks for one of this user's
 * registered keys (with its PIN or fingerprint), the portal checks the signature.
 */
export function SecurityKeyForm(props: TFactorFormProps) {
  const [refused, setRefused] = createSignal('');
  const verify = () => {
    setRefused('');
    props.run(async () => {
      const options = await trpc.webauthn.secondFactorOptions.mutate({ pendingToken: props.pendingToken });
      const response = await assertionOrRefusal(options, setRefused);
      if (!response) return;
      const res = await trpc.webauthn.completeSecondFactor.mutate({ pendingToken: props.pendingToken, response, rememberDevice: props.rememberDevice });
      await props.onResult(res);
    });
  };
  return (
    <div aria-busy={props.busy}>
      <p>Use your security key or passkey: insert or touch the key, or confirm on this device, when your browser asks.</p>
      <Show when={refused()}><p class="error" role="alert">{refused()}</p></Show>
      <button type="button" class="primary" disabled={props.busy} onClick={verify}>Use security key or passkey</button>
    </div>
  );
}
