import { For, Show } from 'solid-js';

/** The provider's password policy, shown next to a new-password field (aria-describedby `id`). */
export function PasswordRules(props: { id: string; rules: string[] | undefined }) {
  return (
    <Show when={props.rules?.length}>
      <ul id={props.id} class="muted rules" aria-label="Password requirements">
        <For each={props.rules}>{(r) => <li>{r}</li>}</For>
      </ul>
    </Show>
  );
}
