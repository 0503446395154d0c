import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, trpc } from '../../lib/trpc';
import { ContactForm, TYPE_LABELS, type TContactFields } from './contact-form';

type TList = Awaited<ReturnType<typeof trpc.people.contacts.query>>;
type TContactRow = TList['items'][number];

/** A company's contacts: search, Add Contact, edit, types, portal access, invitations. */
export function ContactsManager(props: { companyId: number; selfContactId: number | null; canGrantPrimary: boolean }) {
  const [search, setSearch] = createSignal('');
  const [list, { refetch }] = createResource(
    () => ({ companyId: props.companyId, search: search() }),
    (input) => trpc.people.contacts.query(input),
  );
  const [adding, setAdding] = createSignal(false);
  const [editing, setEditing] = createSignal<number | null>(null);
  const [notice, setNotice] = createSignal('');
  const [error, setError] = createSignal('');

  const act = async (fn: () => Promise<string>) => {
    setError('');
    setNotice('');
    try {
      setNotice(await fn());
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const add = async (f: TContactFields) => {
    const res = await trpc.people.addContact.mutate({
      companyId: props.companyId,
      name: f.name,
      email: f.email,
      title: f.title || undefined,
      department: f.department || undefined,
      phoneOffice: f.phoneOffice || undefined,
      phoneCell: f.phoneCell || undefined,
      types: f.types,
      sendInvitation: f.sendInvitation,
    });
    setAdding(false);
    setNotice(res.invited ? `${f.name} was added and an invitation is on its way to ${f.email}.` : `${f.name} was added.`);
    await refetch();
  };
  const save = async (c: TContactRow, f: TContactFields) => {
    await trpc.people.updateContact.mutate({
      contactId: c.id,
      name: f.name,
      title: f.title,
      department: f.department,
      phoneOffice: f.phoneOffice,
      phoneCell: f.phoneCell,
      ...(c.id === props.selfContactId ? {} : { types: f.types }),
    });
    setEditing(null);
    setNotice(`${f.name} was saved.`);
    await refetch();
  };

  return (
    <section aria-labelledby="contacts-title">
      <div class="page-head">
        <h2 id="contacts-title">Contacts</h2>
        <button type="button" class="primary" onClick={() => setAdding(true)} disabled={adding()}>Add Contact</button>
      </div>
      <Show when={notice()}><p class="notice" role="status">{notice()}</p></Show>
      <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
      <Show when={adding()}>
        <div class="card">
          <h3>Add Contact</h3>
          <ContactForm idPrefix="new-contact" isNew canGrantPrimary={props.canGrantPrimary} submitLabel="Add Contact" onSubmit={add} onCancel={() => setAdding(false)} />
        </div>
      </Show>
      <label for="contact-search">Search</label>
      <input id="contact-search" type="search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="Name, email, title or department" />
      <Show when={!list.error} fallback={<p class="error" role="alert">{errorMessage(list.error)}</p>}>
      <Show when={list()} fallback={<p>Loading…</p>}>
        <Show when={list()!.items.length} fallback={<p class="muted">No contacts match. Use "Add Contact" to invite someone.</p>}>
          <table class="list">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Title</th><th scope="col">Department</th><th scope="col">Phone</th><th scope="col">Email</th><th scope="col">Portal access</th><th scope="col">Types</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              <For each={list()!.items}>
                {(c) => (
                  <>
                    <tr>
                      <td data-label="Name">{c.name}</td>
                      <td data-label="Title">{c.title ?? ''}</td>
                      <td data-label="Department">{c.department ?? ''}</td>
                      <td data-label="Phone">{[c.phoneOffice, c.phoneCell].filter(Boolean).join(' · ')}</td>
                      <td data-label="Email">{c.email}</td>
                      <td data-label="Portal access">{c.portalAccess ? 'Yes' : 'No'}</td>
                      <td data-label="Types">{c.types.map((t) => TYPE_LABELS[t]).join(', ')}</td>
                      <td data-label="Actions" class="row-actions">
                        <button type="button" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c.id)}>Edit</button>
                        <Show when={c.id !== props.selfContactId}>
                          <Show when={c.portalAccess} fallback={
                            <button type="button" aria-label={`Grant access to ${c.name}`}
                              onClick={() => void act(async () => { await trpc.people.setPortalAccess.mutate({ contactId: c.id, enabled: true }); return `${c.name} can sign in again.`; })}>Grant access</button>
                          }>
                            <button type="button" aria-label={`Revoke access for ${c.name}`}
                              onClick={() => void act(async () => { const r = await trpc.people.setPortalAccess.mutate({ contactId: c.id, enabled: false }); return `${c.name} can no longer sign in${r.ended ? `; ${r.ended} open session${r.ended === 1 ? ' was' : 's were'} ended` : ''}.`; })}>Revoke access</button>
                            <button type="button" aria-label={`Resend invitation to ${c.name}`}
                              onClick={() => void act(async () => { await trpc.invitations.send.mutate({ contactId: c.id }); return `A new invitation is on its way to ${c.email}.`; })}>Resend invitation</button>
                          </Show>
                        </Show>
                      </td>
                    </tr>
                    <Show when={editing() === c.id}>
                      <tr><td colSpan={8}>
                        <ContactForm idPrefix={`edit-${c.id}`} isNew={false} canGrantPrimary={props.canGrantPrimary && c.id !== props.selfContactId}
                          initial={{ name: c.name, title: c.title ?? '', department: c.department ?? '', phoneOffice: c.phoneOffice ?? '', phoneCell: c.phoneCell ?? '', types: c.types }}
                          submitLabel="Save" onSubmit={(f) => save(c, f)} onCancel={() => setEditing(null)} />
                      </td></tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
      </Show>
    </section>
  );
}
