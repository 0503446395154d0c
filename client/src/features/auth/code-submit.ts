import { trpc } from '../../lib/trpc';
import type { TFactorFormProps } from './two-factor-step';

/** The submit handler of a code form: auth.completeTwoFactor with the typed code, then the result onwards. */
export function codeSubmitter(props: TFactorFormProps, method: 'totp' | 'recovery' | 'sms', code: () => string, setCode: (v: string) => void) {
  return (e: SubmitEvent) => {
    e.preventDefault();
    props.run(async () => {
      const res = await trpc.auth.completeTwoFactor.mutate({ pendingToken: props.pendingToken, method, code: code(), rememberDevice: props.rememberDevice });
      setCode('');
      await props.onResult(res);
    });
  };
}
