import { A } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { formatSize } from '../../ui/attachment-list';
import { me } from '../../lib/session';
import { errorMessage, trpc } from '../../lib/trpc';
import { createFormState, documentUrl, Field, FormError, onTechnicalChange, uploadDocument, UploadError } from './shared';
import { TechnicalFrame } from './technical-frame';
import { formatDate } from '../../lib/dates';

/** Technical > Documents (seed 004 §19): shared documents, searchable; Technical and Primary contacts upload. */
export default function DocumentsPage() {
  const [search, setSearch] = createSignal('');
  const [list, { refetch }] = createResource(search, (q) => trpc.technical.documents.query({ search: q || undefined }));
  onTechnicalChange(() => void refetch());
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  return (
    <TechnicalFrame>
      <h1>Documents</h1>
      <form class="tech-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="document-search">Search</label>
          <input id="document-search" type="search" maxLength={100} placeholder="Title, file name or description" onInput={(e) => {
            const v = e.currentTarget.value.trim();
            clearTimeout(timer);
            timer = setTimeout(() => setSearch(v), 250);
          }} />
        </div>
      </form>
      <Show when={list.error}><p class="error" role="alert">{errorMessage(list.error)}</p></Show>
      <Show when={!list.error && list()} fallback={<Show when={!list.error}><p>Loading…</p></Show>}>
        <Show
          when={list()!.items.length}
          fallback={<p class="muted">{search() ? 'No documents match. Try other words.' : 'No documents yet. Upload one below, or ask your service provider to share documents with you.'}</p>}
        >
          <table class="list tech-table" aria-label="Documents">
            <thead><tr><th scope="col">Title</th><th scope="col">File</th><th scope="col">Uploaded</th><th scope="col">Download</th></tr></thead>
            <tbody>
              <For each={list()!.items}>
                {(d) => (
                  <tr>
                    <td data-label="Title"><A href={`/technical/documents/${d.id}`}>{d.title}</A><Show when={d.description}><br /><span class="muted">{d.description}</span></Show></td>
                    <td data-label="File">{d.filename} <span class="muted">({formatSize(d.size)})</span></td>
                    <td data-label="Uploaded">{formatDate(d.createdAt)}<Show when={d.uploadedBy}> by {d.uploadedBy}</Show></td>
                    <td data-label="Download"><a href={documentUrl(d)} download={d.filename} aria-label={`Download ${d.title}`}>Download</a></td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
      <Show when={me()?.account?.kind === 'contact'}>
        <UploadForm onDone={() => void refetch()} />
      </Show>
    </TechnicalFrame>
  );
}

/** A contact's upload: it is visible to their whole company at once. */
function UploadForm(props: { onDone: () => void }) {
  const f = createFormState();
  const [done, setDone] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setDone('');
    const data = new FormData(form);
    if (!(data.get('file') instanceof File) || !(data.get('file') as File).name) {
      // The server says the same; this spares sending an empty form.
      return void f.run(() => Promise.reject(new UploadError('Choose a file to upload.', { file: ['Choose a file to upload.'] })));
    }
    const ok = await f.run(async () => {
      const d = await uploadDocument(data);
      setDone(`Uploaded “${d.title}”. Everyone at your company with access to Technical can see it.`);
    });
    if (ok) {
      form.reset();
      props.onDone();
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-busy={f.busy()} aria-labelledby="upload-title" enctype="multipart/form-data">
      <h2 id="upload-title">Upload a document</h2>
      <p class="muted">PDF, images, text, Markdown, Office files or ZIP. Everyone at your company with access to Technical will see it.</p>
      <FormError message={f.error()} />
      <Field id="upload-file" label="File" errors={f.errors().file}>
        <input id="upload-file" name="file" type="file" aria-invalid={!!f.errors().file} aria-describedby={f.errors().file ? 'upload-file-error' : undefined} />
      </Field>
      <Field id="upload-title-input" label="Title (optional)" errors={f.errors().title}>
        <input id="upload-title-input" name="title" maxLength={200} placeholder="The file name if left empty" aria-invalid={!!f.errors().title} />
      </Field>
      <Field id="upload-description" label="Description (optional)" errors={f.errors().description}>
        <textarea id="upload-description" name="description" rows={2} maxLength={2000} aria-invalid={!!f.errors().description} />
      </Field>
      <button type="submit" class="primary" disabled={f.busy()}>{f.busy() ? 'Uploading…' : 'Upload'}</button>
      <p class="muted" aria-live="polite">{done()}</p>
    </form>
  );
}
