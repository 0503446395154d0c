import { createResource, createSignal, For, Show } from 'solid-js';
import { liveRefetch } from '../../lib/live';
import { errorMessage, trpc } from '../../lib/trpc';
import { MailFlags } from './mail-flags';
import { MailView } from './mail-view';
import './staff-mail.css';
import { formatDateTime } from '../../lib/dates';

type TItem = Awaited<ReturnType<typeof trpc.inboundMail.list.query>>['items'][number];

/**
 * Mail intake could not place these messages (unknown sender, no ticket, automatic mail to
 * the support address) or failed on them. Staff read each one, then attach it to a
 * ticket, raise a ticket from it, or discard it. The list follows changes live.
 */
export default function UnmatchedMailPage() {
  const [list, { refetch }] = createResource(() => trpc.inboundMail.list.query({ status: 'open' }));
  const [open, setOpen] = createSignal<number | null>(null);
  const [notice, setNotice] = createSignal('');

  liveRefetch((lastEventId, handlers) => trpc.inboundMail.onChange.subscribe({ lastEventId }, handlers), () => void refetch());

  const sorted = (message: string) => {
    setNotice(message);
    setOpen(null);
    void refetch();
  };

  return (
    <>
      <h1>Unmatched mail</h1>
      <p class="muted">Email the portal received but could not add to a ticket. Nothing is dropped: every message waits here until someone sorts it.</p>
      <p role="status">{notice()}</p>
      <Show when={list()} fallback={<p>{list.error ? errorMessage(list.error) : 'Loading…'}</p>}>
        <Show when={list()!.items.length} fallback={<p class="muted">No unmatched mail.</p>}>
          <ul class="rows" aria-label="Unmatched messages">
            <For each={list()!.items}>
              {(m) => (
                <li class="mail-row">
                  <button type="button" class="link" aria-expanded={open() === m.id} onClick={() => setOpen(open() === m.id ? null : m.id)}>
                    {m.subject || '(no subject)'}
                  </button>
                  <span class="muted">
                    from {m.fromName ? `${m.fromName} <${m.fromAddress}>` : (m.fromAddress ?? 'unknown sender')} · {formatDateTime(m.receivedAt)}
                    {m.status === 'failed' ? ' · processing failed' : ''}
                  </span>
                  <Show when={m.flags.length}><MailFlags flags={m.flags} /></Show>
                  <Show when={m.error}><span class="muted">{m.error}</span></Show>
                  <Show when={open() === m.id}><MessageDetail item={m} onSorted={sorted} /></Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </>
  );
}

function MessageDetail(props: { item: TItem; onSorted: (message: string) => void }) {
  const id = props.item.id;
  const [mail] = createResource(() => trpc.inboundMail.get.query({ inboundMessageId: id }));
  const [companies] = createResource(() => trpc.people.companies.query({}));
  const [companyId, setCompanyId] = createSignal(0);
  const [contacts] = createResource(companyId, (companyId) => (companyId ? trpc.people.contacts.query({ companyId, search: '' }) : null));
  const [contactId, setContactId] = createSignal(0);
  const [ticketNumber, setTicketNumber] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError('');
    try {
      props.onSorted(await fn());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const attach = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      await trpc.inboundMail.attach.mutate({ inboundMessageId: id, ticketNumber: Number(ticketNumber()) });
      return `Attached to ticket #${ticketNumber()}.`;
    });
  };
  const create = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const t = await trpc.inboundMail.createTicket.mutate({ inboundMessageId: id, companyId: companyId(), requesterContactId: contactId() || undefined });
      return `Ticket #${t.number} was raised from the message.`;
    });
  };
  const discard = () => void run(async () => (await trpc.inboundMail.discard.mutate({ inboundMessageId: id }), 'Message discarded.'));

  return (
    <div>
      <Show when={mail()} fallback={<p class="muted">{mail.error ? errorMessage(mail.error) : 'Loading…'}</p>}>
        {(m) => <MailView mail={m()} />}
      </Show>
      <div class="mail-actions">
        <form class="inline-form" onSubmit={attach}>
          <label for={`attach-${id}`}>Attach to ticket #</label>
          <input id={`attach-${id}`} type="number" min="1" required value={ticketNumber()} onInput={(e) => setTicketNumber(e.currentTarget.value)} />
          <button type="submit" disabled={busy()}>Attach</button>
        </form>
        <form class="inline-form" onSubmit={create}>
          <label for={`company-${id}`}>New ticket for</label>
          <select id={`company-${id}`} required onChange={(e) => (setCompanyId(Number(e.currentTarget.value)), setContactId(0))}>
            <option value="">Choose a company</option>
            <For each={companies() ?? []}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
          <label class="sr-only" for={`contact-${id}`}>Requester</label>
          <select id={`contact-${id}`} disabled={!companyId()} onChange={(e) => setContactId(Number(e.currentTarget.value))}>
            <option value="0">No requester</option>
            <For each={contacts()?.items ?? []}>{(c) => <option value={c.id}>{c.name} ({c.email})</option>}</For>
          </select>
          <button type="submit" disabled={busy() || !companyId()}>Create ticket</button>
        </form>
        <div class="actions">
          <button type="button" disabled={busy()} onClick={discard}>Discard</button>
        </div>
        <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      </div>
    </div>
  );
}
