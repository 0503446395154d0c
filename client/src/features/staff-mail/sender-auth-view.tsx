import { For, Show } from 'solid-js';
import type { TInboundView } from './mail-view';

const SOURCES = { checked: 'Checked by this portal', relay: 'Read from the trusted relay', unchecked: 'Not checked' } as const;

/** SPF, DKIM, DMARC and ARC for one message, and whether they vouch for its From. */
export function SenderAuthView(props: { sender: TInboundView['sender'] }) {
  const a = () => props.sender.auth;
  const check = () => props.sender.check;
  const aligned = (yes: boolean) => (yes ? ', aligned with From' : '');
  return (
    <section class="sender-auth" aria-label="Sender authentication">
      <p>
        <strong>Sender authentication: </strong>
        <span class={`verdict ${check().verified ? 'ok' : 'held'}`}>{check().verified ? 'verified' : 'not verified'}</span> — {check().reason}
      </p>
      <Show when={a()} fallback={<p class="muted">No result was recorded for this message.</p>}>
        {(auth) => (
          <dl class="facts">
            <div><dt>How</dt><dd>{SOURCES[auth().source]}{auth().source === 'relay' ? ` (${auth().by})` : ''}</dd></div>
            <div><dt>SPF</dt><dd>{auth().spf ? `${auth().spf!.result}${auth().spf!.domain ? ` (${auth().spf!.domain}${aligned(auth().spf!.aligned)})` : ''}` : 'not checked'}</dd></div>
            <div>
              <dt>DKIM</dt>
              <dd>
                <Show when={auth().dkim.length} fallback="none">
                  <For each={auth().dkim}>{(d, i) => <>{i() ? '; ' : ''}{d.result} ({d.domain}{aligned(d.aligned)})</>}</For>
                </Show>
              </dd>
            </div>
            <div><dt>DMARC</dt><dd>{auth().dmarc ? `${auth().dmarc!.result}${auth().dmarc!.policy ? `, policy ${auth().dmarc!.policy}` : ''}` : 'not checked'}{auth().fromDomain ? ` (${auth().fromDomain})` : ''}</dd></div>
            <Show when={auth().arc}><div><dt>ARC</dt><dd>{auth().arc!.result}</dd></div></Show>
            <Show when={auth().error}><div><dt>Note</dt><dd>{auth().error}</dd></div></Show>
          </dl>
        )}
      </Show>
    </section>
  );
}
