import { createSignal, onCleanup, type Accessor } from 'solid-js';

export interface TDisclosure {
  open: Accessor<boolean>;
  setOpen(open: boolean): void;
  toggle(): void;
  /** Closes and gives focus back to the button that opened it (Escape). */
  closeToButton(): void;
  /** Spread on the element that holds the button and what it shows. */
  containerProps: { ref: (el: HTMLElement) => void; onKeyDown: (e: KeyboardEvent) => void; onFocusOut: (e: FocusEvent) => void };
  buttonRef: (el: HTMLButtonElement) => void;
}

/**
 * A disclosure (WAI-ARIA "disclosure" pattern, not a menu): one button with aria-expanded that
 * shows or hides what follows it. Escape closes it and returns focus to its button; focus or a
 * click leaving it closes it, so only one is open at a time without the others knowing.
 */
export function createDisclosure(): TDisclosure {
  const [open, setOpen] = createSignal(false);
  let container: HTMLElement | undefined;
  let button: HTMLButtonElement | undefined;
  const onDocClick = (e: MouseEvent) => {
    if (open() && container && !container.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('click', onDocClick);
  onCleanup(() => document.removeEventListener('click', onDocClick));
  const closeToButton = () => {
    setOpen(false);
    button?.focus();
  };
  return {
    open,
    setOpen,
    toggle: () => setOpen(!open()),
    closeToButton,
    buttonRef: (el) => { button = el; },
    containerProps: {
      ref: (el) => { container = el; },
      onKeyDown: (e) => {
        if (e.key === 'Escape' && open()) {
          // The innermost open disclosure answers; the outer one stays open.
          e.stopPropagation();
          closeToButton();
        }
      },
      onFocusOut: (e) => {
        const next = e.relatedTarget as Node | null;
        if (open() && next && container && !container.contains(next)) setOpen(false);
      },
    },
  };
}
