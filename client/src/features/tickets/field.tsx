import { Show, type JSX } from 'solid-js';

export type TFieldErrors = Record<string, string[] | undefined>;

/** Label, control and its message together: every field gets `for` and an error beside it. */
export function Field(props: { id: string; label: string; error?: string[] | string; hint?: JSX.Element; children: JSX.Element }) {
  const message = () => (Array.isArray(props.error) ? props.error[0] : props.error);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <p class="hint muted" id={`${props.id}-hint`}>{props.hint}</p>
      </Show>
      <Show when={message()}>
        <p class="field-error" id={`${props.id}-error`}>{message()}</p>
      </Show>
    </div>
  );
}

/** aria-describedby for a control inside <Field>: its hint and, when present, its error. */
export const describedBy = (id: string, opts: { hint?: boolean; error?: unknown }) =>
  [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
