import { Show } from 'solid-js';
import { me } from '../../lib/session';
import { ContactsManager } from './contacts-manager';

/** Technical > Contacts for Technical and Primary contacts: their own company. */
export default function ContactsPage() {
  const account = () => {
    const a = me()?.account;
    return a && a.kind === 'contact' ? a : null;
  };
  return (
    <>
      <h1>Contacts</h1>
      <Show when={account()} fallback={<p class="error" role="alert">Contacts are managed from the staff console.</p>}>
        {(a) => <ContactsManager companyId={a().companyId} selfContactId={a().contactId} canGrantPrimary={a().types.includes('primary')} />}
      </Show>
    </>
  );
}
