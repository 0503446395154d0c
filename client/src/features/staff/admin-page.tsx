import { A } from '@solidjs/router';

const PAGES = [
  { href: '/staff/provider-settings', title: 'Provider settings', about: 'Name, identifier, logo and currency; response targets and ticket categories.' },
  { href: '/staff/unmatched-mail', title: 'Unmatched mail', about: 'Email the portal could not add to a ticket: attach it, raise a ticket, or discard it.' },
  { href: '/staff/users', title: 'Users', about: 'Everyone who signs in: unlock accounts and end sessions.' },
  { href: '/staff/security-log', title: 'Security log', about: 'Sign-ins, failures, lockouts, resets, two-factor changes and ended sessions.' },
  { href: '/staff/security-settings', title: 'Sign-in security', about: 'Password policy, and who must use two-factor authentication.' },
  { href: '/staff/sso', title: 'Single sign-on', about: 'Microsoft, Google, Authentik or any OpenID Connect provider, and which companies use it.' },
  { href: '/staff/sms-settings', title: 'Text messages (SMS)', about: 'The SMS gateway that texts sign-in codes to contacts\' cell phones.' },
  { href: '/staff/card-payments', title: 'Card payments', about: 'Stripe keys for "Pay Now" and auto-pay, partial payments, and the webhook URL. Card numbers never touch the portal.' },
  { href: '/staff/privacy', title: 'Privacy', about: 'The privacy policy prompted at sign-in, and the Privacy Action History.' },
] as const;

/** The staff administrator's hub; keeps the top navigation short on a phone. */
export default function AdminPage() {
  return (
    <>
      <h1>Administration</h1>
      <ul class="rows">
        {PAGES.map((p) => (
          <li>
            <A href={p.href}>{p.title}</A> <span class="muted">{p.about}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
