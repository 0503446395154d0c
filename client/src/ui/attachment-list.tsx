import { For, Show } from 'solid-js';

/*
 * <AttachmentList attachments={comment.attachments} />
 *   attachments: { id, filename, size, mimeType }[] — as the ticket views deliver them.
 * Images are previewed inline (lazy, alt = file name, a click opens the full file); other
 * files are download links with their size. Renders nothing for an empty list.
 */

export type TAttachmentView = { id: number; filename: string; size: number; mimeType: string };

const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The download URL; the name is cosmetic (the server goes by the id). */
export const attachmentUrl = (a: { id: number; filename: string }) => `/attachments/${a.id}/${encodeURIComponent(a.filename)}`;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// Styles set from script (CSSOM) are allowed by the page's CSP, unlike style attributes.
const previewStyle = { 'max-width': '100%', 'max-height': '12rem', display: 'block' };

export function AttachmentList(props: { attachments: readonly TAttachmentView[] | undefined }) {
  return (
    <Show when={props.attachments?.length}>
      <ul class="rows attachments" aria-label="Attachments">
        <For each={props.attachments}>
          {(a) => (
            <li>
              <Show
                when={PREVIEWABLE.has(a.mimeType)}
                fallback={
                  <>
                    <a href={attachmentUrl(a)} download={a.filename}>{a.filename}</a> <span class="muted">({formatSize(a.size)})</span>
                  </>
                }
              >
                <a href={attachmentUrl(a)} target="_blank" rel="noopener" title={`${a.filename} (${formatSize(a.size)})`}>
                  <img src={attachmentUrl(a)} alt={a.filename} loading="lazy" style={previewStyle} />
                </a>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
