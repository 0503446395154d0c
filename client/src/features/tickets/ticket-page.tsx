import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, lazy, onCleanup, Show } from 'solid-js';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { isNotFound, RecordNotFound, recordId } from '../../ui/record-state';
import { Conversation } from './conversation';
import { liveSync, type TLiveEvent } from '../../lib/live';
import { createPresence, PresenceBar } from './presence';
import { ReplyForm } from './reply-form';
import { createNow } from './sla';
import { CloseTicket, RateTicket, RatingShown, RequestReopen } from './ticket-actions';
import { TicketFacts } from './ticket-facts';
import { createTicketStore } from './ticket-store';
import { myContactId } from './who';

// Staff tools load only for staff.
const StaffPanel = lazy(() => import('../staff-tickets/staff-panel'));
const EmailedParts = lazy(() => import('../staff-mail/emailed-comments'));
const HeldReply = lazy(() => import('../staff-mail/held-reply'));

/** /tickets/:id — keyed by the id, so moving to another ticket starts a fresh live view. */
export default function TicketPage() {
  const params = useParams();
  return (
    <Show when={recordId(params.id)} keyed fallback={<TicketNotFound />}>
      {(id) => <TicketView ticketId={id} />}
    </Show>
  );
}

function TicketNotFound() {
  const staff = me()?.account?.kind === 'staff';
  return <RecordNotFound noun="Ticket" back={staff ? { href: '/staff/tickets', label: '← Ticket feed' } : { href: '/tickets', label: '← Tickets' }} />;
}

/** A ticket's details and conversation (seed 004 §7–§8), live over onThread. */
function TicketView(props: { ticketId: number }) {
  const ticketId = props.ticketId;
  const store = createTicketStore();
  const staff = me()?.account?.kind === 'staff';
  const contactId = myContactId();
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const now = createNow();
  let reread: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(reread));

  const sync = liveSync<TLiveEvent>({
    subscribe: (lastEventId, handlers) => trpc.tickets.onThread.subscribe({ ticketId, lastEventId }, handlers),
    load: async () => {
      try {
        store.setView(await trpc.tickets.get.query({ ticketId }));
        setLoadError(null);
      } catch (err) {
        if (!store.state.view) setLoadError(err);
        throw err;
      }
    },
    apply: (e) => {
      if (store.apply(e) === 'reread') soon();
    },
  });
  /** Re-reads what events do not carry (actions after a status change, new watchers' names). */
  const soon = () => {
    clearTimeout(reread);
    reread = setTimeout(() => void sync.resync(), 250);
  };

  const presence = staff ? createPresence(ticketId) : null;

  // Staff: what came by email (flags, verdicts, originals), read again when an emailed part arrives or is released.
  const emailKey = () => {
    const v = store.state.view;
    if (!staff || !v) return null;
    const mailed = v.comments.filter((c) => c.source === 'email');
    return `${v.ticket.source === 'email' ? 1 : 0}:${mailed.length}:${mailed.filter((c) => c.internal).length}`;
  };
  const [mailParts] = createResource(emailKey, () => trpc.inboundMail.forTicket.query({ ticketId }));
  const heldPart = (commentId: number) => mailParts()?.find((p) => p.commentId === commentId && p.flags.includes('unverified_sender'));

  const sent = (commentId: number) => {
    store.markOwn(commentId);
    // Normally the event has already arrived; without a live connection, read it.
    if (!store.hasComment(commentId)) setTimeout(() => !store.hasComment(commentId) && void sync.resync(), 1_500);
  };

  return (
    <Show
      when={store.state.view}
      fallback={isNotFound(loadError()) ? <TicketNotFound /> : <p aria-busy={!loadError()} role={loadError() ? 'alert' : undefined}>{loadError() ? errorMessage(loadError()) : 'Loading ticket…'}</p>}
    >
      {(view) => (
        <article class="ticket-page" aria-labelledby="ticket-title">
          <p class="back"><A href={staff ? '/staff/tickets' : '/tickets'}>← {staff ? 'Ticket feed' : 'Tickets'}</A></p>
          <h1 id="ticket-title">
            #{view().ticket.number} {view().ticket.subject}
          </h1>
          <Show when={presence}>{(p) => <PresenceBar others={p().others()} />}</Show>
          <p class="live-notice muted" aria-live="polite">{store.state.notice}</p>
          <div class="ticket-layout" classList={{ 'with-side': staff }}>
            <div class="ticket-main">
              <TicketFacts view={view()} changed={store.state.changed} now={now()} staff={staff} />
              <Conversation
                view={view()}
                fresh={store.state.fresh}
                below={(c) => (
                  <Show when={staff && c.internal && heldPart(c.id)}>
                    {(part) => <HeldReply commentId={c.id} author={c.authorName} part={part()} onReleased={() => void sync.resync()} />}
                  </Show>
                )}
              />
              <Show when={view().ticket.satisfaction}>
                {(r) => <RatingShown rating={r()} comment={view().ticket.satisfactionComment} mine={view().ticket.requesterContactId === contactId} />}
              </Show>
              <Show when={view().actions.reply}>
                <ReplyForm ticketId={ticketId} staff={staff} onSent={sent} onTyping={presence?.typed} />
              </Show>
              <Show when={view().actions.close}>
                <CloseTicket store={store} onDone={soon} />
              </Show>
              <Show when={view().actions.rate}>
                <RateTicket store={store} onDone={soon} />
              </Show>
              <Show when={view().actions.requestReopen}>
                <RequestReopen store={store} onDone={soon} />
              </Show>
              <Show when={!staff && view().ticket.status === 'closed' && view().ticket.reopenRequestedAt}>
                <p class="card muted">You asked us to reopen this ticket; a technician will pick it up.</p>
              </Show>
            </div>
            <Show when={staff}>
              <aside class="ticket-side" aria-label="Staff tools">
                <StaffPanel store={store} onChanged={soon} />
                <EmailedParts parts={mailParts()} />
              </aside>
            </Show>
          </div>
        </article>
      )}
    </Show>
  );
}
