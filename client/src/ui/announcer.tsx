import { createSignal } from 'solid-js';

/*
 * The one place live changes are spoken: two visually hidden live regions, present from the
 * first render so screen readers are already watching them when text arrives. Polite for
 * news (a reply, a feed row), assertive for what needs an answer now.
 */

export type TPoliteness = 'polite' | 'assertive';

const [polite, setPolite] = createSignal('');
const [assertive, setAssertive] = createSignal('');
let pending: ReturnType<typeof setTimeout> | undefined;

/** Speaks `text` once; clearing first makes the same words announced again when repeated. */
export function announce(text: string, politeness: TPoliteness = 'polite'): void {
  const set = politeness === 'assertive' ? setAssertive : setPolite;
  set('');
  clearTimeout(pending);
  pending = setTimeout(() => set(text), 50);
}

/** Rendered once, outside the router (client/src/main.tsx). */
export function Announcer() {
  return (
    <div class="sr-only">
      <div aria-live="polite" aria-atomic="true" data-announcer="polite">{polite()}</div>
      <div aria-live="assertive" aria-atomic="true" data-announcer="assertive">{assertive()}</div>
    </div>
  );
}
