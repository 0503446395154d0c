import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { formatSize } from '../../ui/attachment-list';
import { errorMessage, trpc } from '../../lib/trpc';
import { createFormState, documentUrl, Field, FormError, onTechnicalChange, uploadDocument } from '../technical/shared';
import { formatDate } from '../../lib/dates';

type TDoc = Awaited<ReturnType<typeof trpc.technical.documents.query>>['items'][number];

/** Staff: a company's documents; upload, say which the client sees, rename, delete. */
export function StaffDocuments(props: { companyId: number }) {
  const [list, { refetch }] = createResource(() => props.companyId, (companyId) => trpc.technical.documents.query({ companyId }));
  const [editing, setEditing] = createSignal<TDoc | null>(null);
  const [error, setError] = createSignal('');
  onTechnicalChange(() => void refetch());

  const act = async (work: () => Promise<unknown>) => {
    setError('');
    try {
      await work();
      await refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const toggle = (d: TDoc, box: HTMLInputElement) =>
    act(() => trpc.technical.updateDocument.mutate({ documentId: d.id, title: d.title, description: d.description, visibleToClient: box.checked })).then(() => {
      box.checked = list()?.items.find((x) => x.id === d.id)?.visibleToClient ?? box.checked; // the stored value, saved or not
    });
  const remove = (d: TDoc) => {
    if (confirm(`Delete “${d.title}”? The client loses it too.`)) void act(() => trpc.technical.deleteDocument.mutate({ documentId: d.id }));
  };

  return (
    <section aria-labelledby="staff-documents-title">
      <h2 id="staff-documents-title">Documents</h2>
      <StaffUpload companyId={props.companyId} onDone={() => void refetch()} />
      <Show when={editing()} keyed>{(d) => <EditDocument doc={d} onDone={() => { setEditing(null); void refetch(); }} />}</Show>
      <Show when={error() || list.error}><p class="error" role="alert">{error() || errorMessage(list.error)}</p></Show>
      <Show when={list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show when={list()!.items.length} fallback={<p class="muted">No documents for this company yet. Upload one above.</p>}>
          <table class="list tech-table" aria-label="Documents of this company">
            <thead><tr><th scope="col">Title</th><th scope="col">File</th><th scope="col">Uploaded</th><th scope="col">Visible to client</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              <For each={list()!.items}>
                {(d) => (
                  <tr>
                    <td data-label="Title"><A href={`/technical/documents/${d.id}`}>{d.title}</A></td>
                    <td data-label="File"><a href={documentUrl(d)} download={d.filename}>{d.filename}</a> <span class="muted">({formatSize(d.size)})</span></td>
                    <td data-label="Uploaded">{formatDate(d.createdAt)}<Show when={d.uploadedBy}> by {d.uploadedBy}</Show></td>
                    <td data-label="Visible to client">
                      <label class="check"><input type="checkbox" checked={d.visibleToClient} onChange={(e) => void toggle(d, e.currentTarget)} aria-label={`Visible to client: ${d.title}`} /> {d.visibleToClient ? 'Yes' : 'No'}</label>
                    </td>
                    <td data-label="Actions" class="row-actions">
                      <button type="button" aria-label={`Edit ${d.title}`} onClick={() => setEditing(d)}>Edit</button>
                      <button type="button" aria-label={`Delete ${d.title}`} onClick={() => remove(d)}>Delete</button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
}

function StaffUpload(props: { companyId: number; onDone: () => void }) {
  const f = createFormState();
  const [done, setDone] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    data.set('companyId', String(props.companyId));
    setDone('');
    const ok = await f.run(async () => {
      const d = await uploadDocument(data);
      setDone(`Uploaded “${d.title}”.`);
    });
    if (ok) {
      form.reset();
      props.onDone();
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-busy={f.busy()} aria-labelledby="staff-upload-title">
      <h3 id="staff-upload-title">Upload a document</h3>
      <FormError message={f.error()} />
      <Field id="staff-upload-file" label="File" errors={f.errors().file}>
        <input id="staff-upload-file" name="file" type="file" aria-invalid={!!f.errors().file} />
      </Field>
      <Field id="staff-upload-title-input" label="Title (optional)" errors={f.errors().title}>
        <input id="staff-upload-title-input" name="title" maxLength={200} placeholder="The file name if left empty" aria-invalid={!!f.errors().title} />
      </Field>
      <Field id="staff-upload-description" label="Description (optional)" errors={f.errors().description}>
        <textarea id="staff-upload-description" name="description" rows={2} maxLength={2000} aria-invalid={!!f.errors().description} />
      </Field>
      <label class="check" for="staff-upload-visible"><input id="staff-upload-visible" name="visibleToClient" type="checkbox" /> Visible to client</label>
      <button type="submit" class="primary" disabled={f.busy()}>{f.busy() ? 'Uploading…' : 'Upload'}</button>
      <p class="muted" aria-live="polite">{done()}</p>
    </form>
  );
}

function EditDocument(props: { doc: TDoc; onDone: () => void }) {
  const f = createFormState();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const ok = await f.run(() =>
      trpc.technical.updateDocument.mutate({
        documentId: props.doc.id,
        title: String(form.get('title') ?? ''),
        description: String(form.get('description') ?? ''),
        visibleToClient: form.get('visibleToClient') === 'on',
      }),
    );
    if (ok) props.onDone();
  };
  return (
    <form class="card form" onSubmit={submit} aria-busy={f.busy()} aria-labelledby="edit-document-title" novalidate>
      <h3 id="edit-document-title">Edit {props.doc.title}</h3>
      <FormError message={f.error()} />
      <Field id="edit-document-title-input" label="Title" errors={f.errors().title}>
        <input id="edit-document-title-input" name="title" required maxLength={200} value={props.doc.title} aria-invalid={!!f.errors().title} />
      </Field>
      <Field id="edit-document-description" label="Description" errors={f.errors().description}>
        <textarea id="edit-document-description" name="description" rows={2} maxLength={2000} value={props.doc.description ?? ''} />
      </Field>
      <label class="check" for="edit-document-visible"><input id="edit-document-visible" name="visibleToClient" type="checkbox" checked={props.doc.visibleToClient} /> Visible to client</label>
      <div class="actions">
        <button type="submit" class="primary" disabled={f.busy()}>{f.busy() ? 'Saving…' : 'Save document'}</button>
        <button type="button" onClick={() => props.onDone()}>Cancel</button>
      </div>
    </form>
  );
}
