import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../../lib/trpc';
import './outgoing-mail.css';
import { formatDateTime } from '../../../lib/dates';

type TMail = Awaited<ReturnType<typeof trpc.outbox.list.query>>['items'][number];

/**
 * Every email the portal sent or still holds (with no relay configured, mail waits here):
 * searchable by recipient or subject, each with what happened to it and its headers.
 */
export default function OutgoingMailPage() {
  const [search, setSearch] = createSignal('');
  const [mail] = createResource(search, (s) => trpc.outbox.list.query(s ? { search: s } : {}));
  const [open, setOpen] = createSignal<number | null>(null);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setSearch(String(new FormData(e.currentTarget as HTMLFormElement).get('search') ?? '').trim());
  };
  const items = () => (!mail.error && (mail.state === 'ready' || mail.state === 'refreshing') ? mail.latest?.items : undefined);
  return (
    <>
      <h1>Outgoing mail</h1>
      <form class="outbox-search" role="search" aria-label="Outgoing mail" onSubmit={submit}>
        <label for="outbox-search">Search by recipient or subject</label>
        <input id="outbox-search" name="search" type="search" maxLength={200} />
        <button type="submit">Search</button>
      </form>
      <Show when={mail.error}><p class="error" role="alert">{errorMessage(mail.error)}</p></Show>
      <Show when={items()} fallback={<Show when={!mail.error}><p>Loading…</p></Show>}>
        {(list) => (
          <Show
            when={list().length}
            fallback={<p class="muted" role="status">{search() ? `No email matches “${search()}”.` : 'No email has been sent yet.'}</p>}
          >
            <ul class="rows outbox-rows" aria-label="Outgoing mail messages">
              <For each={list()}>
                {(m) => (
                  <li>
                    <button type="button" class="link" aria-expanded={open() === m.id} aria-controls={`outbox-${m.id}`} onClick={() => setOpen(open() === m.id ? null : m.id)}>
                      {m.subject}
                    </button>{' '}
                    <span class="muted">to {m.toAddress} · {formatDateTime(m.createdAt)}</span>{' '}
                    <span class={`outbox-status outbox-${m.outcome.state}`} data-testid="outbox-status">{m.outcome.text}</span>
                    <Show when={open() === m.id}>
                      <div id={`outbox-${m.id}`}>
                        <MailHeaders mail={m} />
                        <pre class="mail-body">{m.textBody}</pre>
                      </div>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </>
  );
}

/** From, To, Subject, then every header the message carries (Reply-To, Message-ID, In-Reply-To, …). */
function MailHeaders(props: { mail: TMail }) {
  const rows = () => [
    ['From', props.mail.fromAddress],
    ['To', props.mail.toAddress],
    ['Subject', props.mail.subject],
    ...Object.entries(props.mail.headers),
    ['Attempts', String(props.mail.attempts)],
    ...(props.mail.sentAt ? [['Sent', formatDateTime(props.mail.sentAt)]] : []),
  ];
  return (
    <dl class="outbox-headers" aria-label={`Headers of “${props.mail.subject}”`}>
      <For each={rows()}>
        {([name, value]) => (
          <div><dt>{name}</dt><dd>{value}</dd></div>
        )}
      </For>
    </dl>
  );
}
