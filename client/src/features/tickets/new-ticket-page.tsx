import { useNavigate } from '@solidjs/router';
import { Show } from 'solid-js';
import { me } from '../../lib/session';
import { NewTicketForm } from './new-ticket-form';

/** /tickets/new: the New Ticket form on its own page (the dashboard and Tickets link here). */
export default function NewTicketPage() {
  const navigate = useNavigate();
  return (
    <>
      <h1 id="new-ticket-title">New Ticket</h1>
      <Show
        when={me()?.account?.kind === 'contact'}
        fallback={<p class="card">Tickets are raised by client contacts here; staff answer them from the Ticket feed.</p>}
      >
        <NewTicketForm onRaised={(id) => navigate(`/tickets/${id}`)} onCancel={() => navigate('/tickets')} />
      </Show>
    </>
  );
}
