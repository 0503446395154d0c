import { A, useLocation } from '@solidjs/router';
import { createEffect, For, on, Show } from 'solid-js';
import { me } from '../lib/session';
import { createDisclosure } from './disclosure';

type TLink = { href: string; label: string; end?: boolean };
type TGroup = { label: string; links: TLink[] };

// The staff console in five groups, so it fits one row at 1280 px (seed 004's areas, staff side).
const STAFF_TICKETS: TGroup = { label: 'Tickets', links: [
  { href: '/staff/tickets', label: 'Ticket feed' },
  { href: '/staff/unmatched-mail', label: 'Unmatched mail' },
  { href: '/staff/outgoing-mail', label: 'Outgoing mail' },
] };
const STAFF_CLIENTS: TGroup = { label: 'Clients', links: [
  { href: '/staff/companies', label: 'Companies' },
  { href: '/staff/access-requests', label: 'Access requests' },
] };
const STAFF_ADMIN: TGroup = { label: 'Administration', links: [
  { href: '/staff/admin', label: 'All settings', end: true },
  { href: '/staff/users', label: 'Users' },
  { href: '/staff/security-settings', label: 'Sign-in security' },
  { href: '/staff/security-log', label: 'Security log' },
  { href: '/staff/provider-settings', label: 'Provider settings' },
] };

/** One group of the staff menu: a disclosure button and its list of links. */
function NavGroup(props: { group: TGroup; id: string; onNavigate: () => void }) {
  const d = createDisclosure();
  const location = useLocation();
  const current = () => props.group.links.some((l) => location.pathname === l.href || location.pathname.startsWith(`${l.href}/`));
  return (
    <li class="nav-group" classList={{ current: current() }} ref={d.containerProps.ref} onKeyDown={d.containerProps.onKeyDown} onFocusOut={d.containerProps.onFocusOut}>
      <button type="button" ref={d.buttonRef} aria-expanded={d.open()} aria-controls={props.id} onClick={() => d.toggle()}>
        {props.group.label}
      </button>
      <ul id={props.id} hidden={!d.open()} onClick={() => { d.setOpen(false); props.onNavigate(); }}>
        <For each={props.group.links}>{(l) => <li><A href={l.href} end={l.end}>{l.label}</A></li>}</For>
      </ul>
    </li>
  );
}

/**
 * The main navigation. Wide screens show it in one row; narrow ones (see styles.css) show a
 * "Menu" disclosure button in its place, which opens the same list below the header.
 */
export function MainNav() {
  const menu = createDisclosure();
  const location = useLocation();
  // A followed link closes the menu (the page changed under it).
  createEffect(on(() => location.pathname, () => menu.setOpen(false), { defer: true }));
  const areas = () => me()!.areas;
  const close = () => menu.setOpen(false);
  return (
    <nav aria-label="Main" class="main-nav" ref={menu.containerProps.ref} onKeyDown={menu.containerProps.onKeyDown} onFocusOut={menu.containerProps.onFocusOut}>
      <button type="button" class="menu-toggle" ref={menu.buttonRef} aria-expanded={menu.open()} aria-controls="main-nav-list" onClick={() => menu.toggle()}>
        Menu
      </button>
      <ul id="main-nav-list" classList={{ open: menu.open() }}>
        <li><A href="/" end>Home</A></li>
        {/* Contacts see their areas; staff see the console's versions of the same things. */}
        <Show when={!areas().staffConsole} fallback={
          <>
            <NavGroup group={STAFF_TICKETS} id="nav-staff-tickets" onNavigate={close} />
            <NavGroup group={STAFF_CLIENTS} id="nav-staff-clients" onNavigate={close} />
            <li><A href="/staff/finance">Finance</A></li>
            <li><A href="/staff/technical">Technical</A></li>
            <Show when={areas().staffAdmin}><NavGroup group={STAFF_ADMIN} id="nav-staff-admin" onNavigate={close} /></Show>
          </>
        }>
          <li><A href="/tickets">Tickets</A></li>
          <Show when={areas().finance}><li><A href="/finance">Finance</A></li></Show>
          <Show when={areas().technical}><li><A href="/technical">Technical</A></li></Show>
          <Show when={areas().contacts}><li><A href="/contacts">Contacts</A></li></Show>
        </Show>
      </ul>
    </nav>
  );
}
