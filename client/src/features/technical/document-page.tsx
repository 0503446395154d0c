import { A, useParams } from '@solidjs/router';
import { createResource, Match, Show, Switch } from 'solid-js';
import { formatSize } from '../../ui/attachment-list';
import { trpc } from '../../lib/trpc';
import { recordId, RecordView } from '../../ui/record-state';
import { documentUrl } from './shared';

// Styles set from script (CSSOM) are allowed by the page's CSP, unlike style attributes.
const imageStyle = { 'max-width': '100%', height: 'auto' };

/**
 * One document in the browser: a PDF in a frame (the browser's own viewer; the file's CSP lets nothing else run), an image as an image, text
 * (Markdown too) as plain text in <pre>, never as HTML; anything else is a download.
 */
export default function DocumentPage() {
  const params = useParams();
  const id = () => recordId(params.id);
  const [doc] = createResource(id, (documentId) => trpc.technical.document.query({ documentId }));
  const [text] = createResource(
    () => (!doc.error && doc.state === 'ready' && doc()?.viewAs === 'text' ? doc() : null),
    async (d) => {
      const res = await fetch(documentUrl(d), { credentials: 'same-origin' });
      if (!res.ok) throw new Error('The file could not be loaded.');
      return res.text();
    },
  );
  return (
    <>
      <p><A href="/technical/documents">← Documents</A></p>
      <RecordView record={doc} validId={id() !== null} noun="Document" back={{ href: '/technical/documents', label: '← Documents' }}>
        {(d) => (
          <article aria-labelledby="document-title">
            <div class="page-head">
              <h1 id="document-title">{d().title}</h1>
              <a class="button" href={documentUrl(d())} download={d().filename}>Download</a>
            </div>
            <p class="muted">{d().filename} ({formatSize(d().size)}){d().description ? ` — ${d().description}` : ''}</p>
            <Switch>
              <Match when={d().viewAs === 'pdf'}>
                <iframe class="doc-frame" src={documentUrl(d())} title={d().title} />
                <p class="muted">If the PDF does not show here, <a href={documentUrl(d())} target="_blank" rel="noopener">open it in a new tab</a>.</p>
              </Match>
              <Match when={d().viewAs === 'image'}>
                <img class="doc-image" src={documentUrl(d())} alt={d().title} style={imageStyle} />
              </Match>
              <Match when={d().viewAs === 'text'}>
                <Show when={!text.error} fallback={<p class="error" role="alert">The file could not be shown here. Use Download to save it.</p>}>
                  <pre class="doc-text" aria-label={`Content of ${d().filename}`}>{text() ?? 'Loading…'}</pre>
                </Show>
              </Match>
              <Match when={d().viewAs === 'download'}>
                <p>This kind of file opens in its own program. Use Download to save it.</p>
              </Match>
            </Switch>
          </article>
        )}
      </RecordView>
    </>
  );
}
