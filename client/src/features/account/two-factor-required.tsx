import { TwoFactorSection } from './two-factor-section';
import { PasskeysSection } from './passkeys-section';
import { ReauthDialog } from '../../lib/reauth';
import { refetchMe } from '../../lib/session';

/** Shown instead of every page until a required second factor is set up (seeds 000, 001). */
export function TwoFactorRequired() {
  return (
    <>
      <h1>Two-factor Authentication Setup</h1>
      <p>Your service provider requires two-factor authentication. Set it up to continue.</p>
      <TwoFactorSection onDone={() => void refetchMe()} />
      {/* A passkey or security key counts as the second factor too. */}
      <PasskeysSection onAdded={() => void refetchMe()} />
      <ReauthDialog />
    </>
  );
}
