import { For, Show } from 'solid-js';
import type { trpc } from '../../lib/trpc';
import { formatSize } from '../../ui/attachment-list';
import { MailFlags } from './mail-flags';
import { SenderAuthView } from './sender-auth-view';
import './staff-mail.css';
import { formatDateTime } from '../../lib/dates';

export type TInboundView = Awaited<ReturnType<typeof trpc.inboundMail.get.query>>;

const when = (ms: number | null) => (ms ? formatDateTime(ms) : '—');

/**
 * One inbound message as received: its headers, the body (HTML sanitised on the server,
 * so only structure and links are left; plain text shown as text), its attachments and
 * the .eml download.
 */
export function MailView(props: { mail: TInboundView }) {
  const m = () => props.mail;
  return (
    <section class="mail-view" aria-label="Original email">
      <dl class="facts">
        <div><dt>From</dt><dd>{m().fromName ? `${m().fromName} <${m().fromAddress}>` : (m().fromAddress ?? 'Unknown')}</dd></div>
        <div><dt>To</dt><dd>{m().to ?? m().envelopeTo.join(', ')}</dd></div>
        <Show when={m().cc}><div><dt>Cc</dt><dd>{m().cc}</dd></div></Show>
        <div><dt>Subject</dt><dd>{m().subject || '(no subject)'}</dd></div>
        <div><dt>Sent</dt><dd>{when(m().date)}</dd></div>
        <div><dt>Received</dt><dd>{when(m().receivedAt)}</dd></div>
      </dl>
      <Show when={m().flags.length}><p><MailFlags flags={m().flags} /></p></Show>
      <SenderAuthView sender={m().sender} />
      <Show when={m().readable} fallback={<p class="error">The stored message cannot be read. Download the .eml to open it.</p>}>
        <Show when={m().html} fallback={<pre class="mail-body">{m().text ?? ''}</pre>}>
          {/* Sanitised on the server (server/mail-intake/sanitize-mail-html.ts). */}
          <div class="html-body" innerHTML={m().html!} />
        </Show>
      </Show>
      <Show when={m().attachments.length}>
        <ul class="rows" aria-label="Attachments in the email">
          <For each={m().attachments}>
            {(a) => <li>{a.filename ?? '(unnamed part)'} <span class="muted">{a.contentType}, {formatSize(a.size)}{a.inline ? ', inline' : ''}</span></li>}
          </For>
        </ul>
      </Show>
      <p><a href={m().emlUrl} download={`message-${m().id}.eml`}>Download .eml</a> <span class="muted">({formatSize(m().size)})</span></p>
    </section>
  );
}
