import { For, Show } from 'solid-js';
import type { trpc } from '../../../lib/trpc';

export type TTestReport = Awaited<ReturnType<typeof trpc.sso.testReport.mutate>>;

const OUTCOME = {
  'one-account': 'Would sign in',
  'choose-account': 'Would ask "Choose an account" between',
  'no-match': 'Would not sign anyone in',
  'not-received': 'Nothing usable came back',
} as const;

/** What a test sign-in received from the provider and whom the portal would sign in. */
export function SsoTestReport(props: { report: TTestReport; onClose: () => void }) {
  const r = () => props.report;
  return (
    <section class="card" aria-labelledby="sso-test-title">
      <h2 id="sso-test-title">Test sign-in with {r().identityProvider}</h2>
      <p class="muted">Nobody was signed in, and your own session is unchanged.</p>
      <Show when={r().error}><p class="error">The provider's answer was refused: {r().error}</p></Show>
      <Show when={r().claims}>
        {(c) => (
          <table class="list" aria-label="Claims received">
            <thead><tr><th>Claim</th><th>Received</th></tr></thead>
            <tbody>
              <tr><td>email</td><td>{c().email ?? 'not sent'}{r().emailFrom === 'userinfo' ? ' (from UserInfo)' : ''}</td></tr>
              <tr><td>email_verified</td><td>{c().email_verified}</td></tr>
              <tr><td>name</td><td>{c().name ?? 'not sent'}</td></tr>
              <tr><td>sub</td><td>{c().sub}</td></tr>
            </tbody>
          </table>
        )}
      </Show>
      <p role="status">
        <strong>{OUTCOME[r().outcome]}</strong>
        <Show when={r().matchedEmail}> {r().matchedEmail}</Show>
        <Show when={r().accounts.length > 0}>: <For each={r().accounts}>{(a, i) => <>{i() > 0 ? ', ' : ''}{a}</>}</For></Show>
        . {r().explanation}
      </p>
      <button type="button" onClick={() => props.onClose()}>Close</button>
    </section>
  );
}
