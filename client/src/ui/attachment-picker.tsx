import { createEffect, createMemo, createUniqueId, For, on, onCleanup, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { formatSize } from './attachment-list';

/*
 * <AttachmentPicker onChange={setAttachmentIds} onBusy={setUploading} controls={(c) => (picker = c)} />
 *   onChange(ids)   the ids of the files uploaded so far (send them as `attachmentIds`)
 *   onBusy(busy)    true while an upload runs: keep the form's submit waiting meanwhile
 *   controls(c)     optional; c.clear() empties the picker after the form was sent
 *   disabled        optional
 * A labelled file input "Attachments" (several files) plus a drop zone that also opens the
 * file chooser from the keyboard. Each file is uploaded (POST /attachments) as soon as it
 * is picked; its name, size, progress or the server's refusal and a "Remove" button show.
 */

type TItem = { key: number; name: string; size: number; state: 'uploading' | 'done' | 'error'; id?: number; error?: string; abort: AbortController };

export interface TAttachmentPickerProps {
  onChange: (ids: number[]) => void;
  onBusy?: (busy: boolean) => void;
  controls?: (c: { clear: () => void }) => void;
  disabled?: boolean;
}

let nextKey = 1;

async function uploadOne(file: File, signal: AbortSignal): Promise<{ id: number } | { error: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    const res = await fetch('/attachments', { method: 'POST', body: form, credentials: 'same-origin', signal });
    const body = (await res.json().catch(() => ({}))) as { attachments?: { id: number }[]; error?: string };
    const id = body.attachments?.[0]?.id;
    if (res.ok && id) return { id };
    return { error: body.error ?? `The upload failed (${res.status}).` };
  } catch {
    return { error: 'Could not reach the portal. Check your connection and try again.' };
  }
}

export function AttachmentPicker(props: TAttachmentPickerProps) {
  const inputId = createUniqueId();
  let input: HTMLInputElement | undefined;
  const [s, set] = createStore<{ items: TItem[]; dragging: boolean }>({ items: [], dragging: false });

  const ids = createMemo(() => s.items.flatMap((i) => (i.state === 'done' && i.id ? [i.id] : [])), [], {
    equals: (a, b) => a.join() === b.join(),
  });
  const busy = createMemo(() => s.items.some((i) => i.state === 'uploading'));
  createEffect(on(ids, (v) => props.onChange(v), { defer: true }));
  createEffect(on(busy, (v) => props.onBusy?.(v), { defer: true }));

  const update = (key: number, change: Partial<TItem>) =>
    set('items', (i) => i.key === key, (i) => ({ ...i, ...change }));

  const add = (files: FileList | null | undefined) => {
    for (const file of Array.from(files ?? [])) {
      const item: TItem = { key: nextKey++, name: file.name, size: file.size, state: 'uploading', abort: new AbortController() };
      set('items', (list) => [...list, item]);
      void uploadOne(file, item.abort.signal).then((r) => {
        if (item.abort.signal.aborted) return;
        update(item.key, 'id' in r ? { state: 'done', id: r.id } : { state: 'error', error: r.error });
      });
    }
  };
  const remove = (key: number) =>
    set(
      produce((st) => {
        st.items.find((i) => i.key === key)?.abort.abort();
        st.items = st.items.filter((i) => i.key !== key);
      }),
    );
  const clear = () => {
    for (const i of s.items) i.abort.abort();
    set('items', []);
  };
  props.controls?.({ clear });
  onCleanup(() => s.items.forEach((i) => i.abort.abort()));

  const attached = () => {
    const n = ids().length;
    return n === 1 ? '1 file attached' : `${n} files attached`;
  };

  return (
    <div class="attachment-picker">
      <label for={inputId}>Attachments</label>
      <input
        ref={input}
        id={inputId}
        type="file"
        multiple
        disabled={props.disabled}
        accept=".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.csv,.log,.docx,.xlsx,.pptx,.zip,.eml"
        onChange={(e) => {
          add(e.currentTarget.files);
          e.currentTarget.value = ''; // the same file can be picked again after "Remove"
        }}
      />
      <div
        class="card drop-zone"
        classList={{ dragging: s.dragging }}
        role="button"
        tabIndex={props.disabled ? -1 : 0}
        aria-disabled={props.disabled}
        onClick={() => !props.disabled && input?.click()}
        onKeyDown={(e) => {
          if (props.disabled || (e.key !== 'Enter' && e.key !== ' ')) return;
          e.preventDefault();
          input?.click();
        }}
        onDragOver={(e) => {
          e.preventDefault();
          set('dragging', true);
        }}
        onDragLeave={() => set('dragging', false)}
        onDrop={(e) => {
          e.preventDefault();
          set('dragging', false);
          if (!props.disabled) add(e.dataTransfer?.files);
        }}
      >
        {/* The visible words are the button's whole name (what a voice-control user says). */}
        <span class="muted">Drag and drop files here, or choose files to attach.</span>
      </div>
      <ul class="rows attachment-uploads">
        <For each={s.items}>
          {(i) => (
            <li data-state={i.state}>
              {i.name} <span class="muted">({formatSize(i.size)})</span>{' '}
              <Show when={i.state === 'uploading'}>
                <progress aria-label={`Uploading ${i.name}`} />
              </Show>
              <Show when={i.state === 'error'}>
                <span class="error" role="alert">{i.error}</span>{' '}
              </Show>
              <button type="button" class="link" onClick={() => remove(i.key)} aria-label={`Remove ${i.name}`}>
                Remove
              </button>
            </li>
          )}
        </For>
      </ul>
      <p class="muted" aria-live="polite">
        <Show when={s.items.length}>{attached()}</Show>
      </p>
    </div>
  );
}
