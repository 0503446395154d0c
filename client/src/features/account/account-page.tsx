import { me } from '../../lib/session';
import { ActiveSessions } from './active-sessions';
import { TwoFactorSection } from './two-factor-section';

/** [Your name] > Account. Profile, password and 2FA sections arrive with their issues. */
export default function AccountPage() {
  return (
    <>
      <h1>Account</h1>
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <p>{me()?.user.name} · {me()?.user.email}</p>
      </section>
      <TwoFactorSection />
      <ActiveSessions />
    </>
  );
}
