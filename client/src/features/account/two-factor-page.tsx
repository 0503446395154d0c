import { ReauthDialog } from '../../lib/reauth';
import { PasskeysSection } from './passkeys-section';
import { TwoFactorSection } from './two-factor-section';

/** [Your name] > 2-Factor Auth (seed 003): set up, manage or turn off the second factor. */
export default function TwoFactorPage() {
  return (
    <>
      <h1>2-Factor Auth</h1>
      <TwoFactorSection />
      {/* A passkey or security key is a second factor too. */}
      <PasskeysSection />
      <ReauthDialog />
    </>
  );
}
