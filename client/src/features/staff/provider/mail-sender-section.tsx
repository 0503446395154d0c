import { createResource, Show } from 'solid-js';
import { createFormState } from '../../../lib/form-state';
import { trpc } from '../../../lib/trpc';

/**
 * Provider settings → Incoming mail senders: what mail intake does with mail matched only
 * by its From address when the sender's domain publishes no DMARC policy, and the sender
 * domains trusted without any authentication (a risk, said plainly).
 */
export function MailSenderSection() {
  const [settings, { refetch }] = createResource(() => trpc.admin.mailSenderSettings.query());
  const { error, saved, busy, run, fieldError } = createFormState();
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void run(async () => {
      await trpc.admin.updateMailSenderSettings.mutate({
        noDmarc: form.get('noDmarc') === 'spf' ? 'spf' : 'hold',
        trustedDomains: String(form.get('trustedDomains') ?? '')
          .split(/[\s,;]+/)
          .filter(Boolean),
      });
      await refetch();
      return 'Saved.';
    });
  };
  return (
    <Show when={settings()}>
      {(s) => (
        <section class="card" aria-labelledby="mail-senders-title">
          <h2 id="mail-senders-title">Incoming mail senders</h2>
          <p class="muted">
            Email matched to a ticket only by its sender's address (a "[#1234]" subject, a reply to our message, mail to the support address) is
            accepted as that person's only when their domain vouches for it: DMARC passes, or a DKIM signature of their domain. Otherwise it is held
            for staff as an internal note ("Unverified sender") or in Unmatched mail. Replies to a notification's own reply address always post.
          </p>
          <Show when={saved()}><p class="notice" role="status">{saved()}</p></Show>
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
          <form onSubmit={save} aria-busy={busy()}>
            <fieldset>
              <legend>Senders whose domain publishes no DMARC policy</legend>
              <label class="check">
                <input type="radio" name="noDmarc" value="hold" checked={s().noDmarc === 'hold'} /> Hold their mail for staff (recommended)
              </label>
              <label class="check">
                <input type="radio" name="noDmarc" value="spf" checked={s().noDmarc === 'spf'} /> Trust it when SPF passes for the sender's own domain
              </label>
            </fieldset>
            <label for="mail-trusted-domains">Sender domains trusted without authentication</label>
            <textarea
              id="mail-trusted-domains"
              name="trustedDomains"
              rows={3}
              placeholder="One domain per line; empty by default"
              aria-describedby="mail-trusted-domains-risk"
              value={s().trustedDomains.join('\n')}
            />
            <p id="mail-trusted-domains-risk" class="error">
              Risk: anyone can forge mail from these domains. Their mail is accepted as its From address says, with no check at all, so a stranger
              could post on a client's ticket in their name. Leave this empty unless you accept that.
            </p>
            <Show when={fieldError('trustedDomains')}><p class="field-error">{fieldError('trustedDomains')}</p></Show>
            <button type="submit" class="primary" disabled={busy()}>Save</button>
          </form>
        </section>
      )}
    </Show>
  );
}
