import { createSignal, Show } from 'solid-js';
import { trpc } from '../../lib/trpc';
import { assertionOrRefusal } from '../../lib/webauthn';
import type { TSignInResult } from './two-factor-step';

/**
 * "Sign in with a passkey" on the email step: no email or password; the browser offers the
 * passkeys it holds for this portal and the one chosen (with its PIN or biometrics) signs in.
 */
export function PasskeySignInButton(props: { busy: boolean; run: (fn: () => Promise<void>) => void; onResult: (res: TSignInResult) => Promise<void> }) {
  const [refused, setRefused] = createSignal('');
  const start = () => {
    setRefused('');
    props.run(async () => {
      const options = await trpc.webauthn.passkeyOptions.mutate();
      const response = await assertionOrRefusal(options, setRefused);
      if (!response) return;
      await props.onResult(await trpc.webauthn.signInWithPasskey.mutate({ response }));
    });
  };
  return (
    <div class="passkey-sign-in">
      <Show when={refused()}><p class="error" role="alert">{refused()}</p></Show>
      <button type="button" disabled={props.busy} onClick={start}>Sign in with a passkey</button>
    </div>
  );
}
