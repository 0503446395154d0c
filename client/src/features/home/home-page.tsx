import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { me } from '../../lib/session';
import { DashboardCards } from './dashboard-cards';

/** Dashboard (seed 004 §4): New Ticket and the cards each contact type may see. */
export default function HomePage() {
  return (
    <>
      <div class="page-head">
        <h1>Welcome, {me()?.account?.name}</h1>
        <Show when={me()?.account?.kind === 'contact'}>
          <A class="button primary" href="/tickets/new">New Ticket</A>
        </Show>
      </div>
      <DashboardCards />
    </>
  );
}
