import { A } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import { me } from '../../lib/session';

/**
 * The Technical area's frame: its sub-navigation, or, for a contact without Technical or
 * Primary rights, why not (the services refuse them too) and where their own devices are.
 */
export function TechnicalFrame(props: { children: JSX.Element }) {
  return (
    <Show
      when={me()?.areas.technical}
      fallback={
        <>
          <h1>Technical</h1>
          <p class="error" role="alert">Technical records are for Technical and Primary contacts.</p>
          <p>Devices assigned to you are under <A href="/assets">My assets</A>. Ask your Primary contact if you need more access.</p>
        </>
      }
    >
      <nav class="subnav" aria-label="Technical">
        <A href="/technical/assets">Assets</A>
        <A href="/technical/documents">Documents</A>
        <A href="/technical/domains">Domains</A>
        <A href="/technical/certificates">Certificates</A>
      </nav>
      {props.children}
    </Show>
  );
}
