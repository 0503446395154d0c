import { me } from '../../lib/session';
import { ReauthDialog } from '../../lib/reauth';
import { ActiveSessions } from './active-sessions';
import { ChangeEmailSection } from './change-email-section';
import { ChangePasswordSection } from './change-password-section';
import { NotificationSettings } from './notification-settings';
import { PasskeysSection } from './passkeys-section';
import { ProfileSection } from './profile-section';
import { TimeZoneSection } from './time-zone-section';
import { TrustedDevices } from './trusted-devices';
import { TwoFactorSection } from './two-factor-section';

/** [Your name] > Account: profile, time zone, sign-in email, password, two-factor, devices and sessions. */
export default function AccountPage() {
  return (
    <>
      <h1>Account</h1>
      <ProfileSection />
      <TimeZoneSection />
      <ChangeEmailSection current={me()?.user.email ?? ''} />
      <ChangePasswordSection />
      <TwoFactorSection />
      <PasskeysSection />
      <NotificationSettings />
      <TrustedDevices />
      <ActiveSessions />
      <ReauthDialog />
    </>
  );
}
